import FieldsyncModel

/// A public-evaluation result (公众评议) in force for a unit.
public struct SurveyResult: Sendable, Hashable {
    public var id: String
    /// Score out of 100.
    public var score: Exact
    /// How many people answered; the weight of this result in the unit's mean.
    public var respondents: Int

    public init(id: String, score: Exact, respondents: Int) {
        self.id = id
        self.score = score
        self.respondents = respondents
    }
}
