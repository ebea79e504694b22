import FieldsyncModel

/// A unit's public evaluation (公众评议) in force, as scoring needs it: the surveys'
/// scores weighted by their respondents, summed exactly, and the respondents. The
/// public score is one division of the two, so the store keeps these sums as surveys
/// come and go, not every survey.
public struct PublicTotal: Sendable, Hashable {
    /// Σ score × respondents.
    public var weightedScore: Exact
    /// Σ respondents.
    public var respondents: Exact
    /// How many surveys are in the sums.
    public var surveys: Int

    public static let none = PublicTotal(weightedScore: .zero, respondents: .zero, surveys: 0)

    public init(weightedScore: Exact, respondents: Exact, surveys: Int) {
        self.weightedScore = weightedScore
        self.respondents = respondents
        self.surveys = surveys
    }

    /// The sums of `results`.
    public init(_ results: [SurveyResult]) {
        self = .none
        for result in results { add(result) }
    }

    public mutating func add(_ result: SurveyResult) {
        let n = Exact(result.respondents)
        weightedScore += result.score * n
        respondents += n
        surveys += 1
    }

    public mutating func remove(_ result: SurveyResult) {
        let n = Exact(result.respondents)
        weightedScore = weightedScore - result.score * n
        respondents = respondents - n
        surveys -= 1
    }

    public static func + (a: PublicTotal, b: PublicTotal) -> PublicTotal {
        PublicTotal(weightedScore: a.weightedScore + b.weightedScore, respondents: a.respondents + b.respondents,
                    surveys: a.surveys + b.surveys)
    }
}
