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
