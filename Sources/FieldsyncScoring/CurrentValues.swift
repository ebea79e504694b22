/// Everything scoring needs of one period, and nothing more: the values that
/// reconciliation left in force. The store keeps them as records arrive; scoring is a
/// pure function of them and the scheme, so the same store always gives the same
/// scoreboard.
public struct CurrentValues: Sendable, Hashable {
    /// unit code → indicator code → evidence.
    public var evidence: [String: [String: Evidence]]
    /// unit code → the surveys in force, summed.
    public var publicTotals: [String: PublicTotal]
    /// unit code → findings in force, in any order (scoring lists them by id).
    public var findings: [String: [Finding]]

    public init(evidence: [String: [String: Evidence]] = [:],
                publicTotals: [String: PublicTotal] = [:],
                findings: [String: [Finding]] = [:]) {
        self.evidence = evidence
        self.publicTotals = publicTotals
        self.findings = findings
    }

    /// With the surveys of each unit given one by one.
    public init(evidence: [String: [String: Evidence]] = [:],
                surveys: [String: [SurveyResult]],
                findings: [String: [Finding]] = [:]) {
        self.init(evidence: evidence, publicTotals: surveys.mapValues(PublicTotal.init), findings: findings)
    }

    public func evidence(unit: String, indicator: String) -> Evidence {
        evidence[unit]?[indicator] ?? Evidence()
    }
}
