/// Where an indicator's value came from: a verified spot-check (抽查) beats a unit's
/// self-report (自评), and no value scores nothing.
public enum ValueSource: String, Sendable, Hashable {
    case spotcheck, report, none
}

/// What is in force for one unit and indicator (SPEC §4.1): the latest report and the
/// latest spot-check, each by observed_at, then revision, then id. Both are kept, not
/// just the winner, because verification (§5.4) compares them.
public struct Evidence: Sendable, Hashable {
    public var report: Exact?
    public var spotcheck: Exact?

    public init(report: Exact? = nil, spotcheck: Exact? = nil) {
        self.report = report
        self.spotcheck = spotcheck
    }

    /// The value that scores: the spot-check when there is one, else the report.
    public var value: Exact? { spotcheck ?? report }

    public var source: ValueSource {
        spotcheck != nil ? .spotcheck : report != nil ? .report : .none
    }
}

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

/// A problem found by a site visit (察访核验) that costs the unit points.
public struct Finding: Sendable, Hashable {
    public var id: String
    public var deduction: Exact
    public var note: String?

    public init(id: String, deduction: Exact, note: String? = nil) {
        self.id = id
        self.deduction = deduction
        self.note = note
    }
}

/// Everything scoring needs of one period, and nothing more: the current values that
/// reconciliation left in force. The store builds it; scoring is a pure function of it
/// and the scheme, so the same store always gives the same scoreboard.
public struct CurrentValues: Sendable, Hashable {
    /// unit code → indicator code → evidence.
    public var evidence: [String: [String: Evidence]]
    /// unit code → surveys in force, in any order (scoring only sums them).
    public var surveys: [String: [SurveyResult]]
    /// unit code → findings in force, in any order (scoring lists them by id).
    public var findings: [String: [Finding]]

    public init(evidence: [String: [String: Evidence]] = [:],
                surveys: [String: [SurveyResult]] = [:],
                findings: [String: [Finding]] = [:]) {
        self.evidence = evidence
        self.surveys = surveys
        self.findings = findings
    }

    public func evidence(unit: String, indicator: String) -> Evidence {
        evidence[unit]?[indicator] ?? Evidence()
    }
}
