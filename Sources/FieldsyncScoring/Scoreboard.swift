import FieldsyncModel

/// One period's scores: every unit in scheme order and the office overall (SPEC §5).
///
/// A scoreboard is the pure result of `Scorer.score(scheme:values:)`: it holds no
/// clock, no sequence and no office id, so the same scheme and the same current values
/// always give an equal scoreboard, and `ScoresDocument` renders it byte-identically.
/// The grade bounds and weights are carried along so that a table printed from the
/// scoreboard alone can state the rules a reader needs to re-add the totals.
public struct Scoreboard: Sendable, Hashable {
    /// The scheme's period, e.g. `"2026"`.
    public var period: String
    /// The scheme's title, e.g. 宁德市人防办2026年度绩效评估指标.
    public var schemeName: String
    /// sha256 of the scheme file: which plan these scores were computed under.
    public var schemeSHA256: String
    /// The office's consolidated score (SPEC §5.3); its `unit` is nil.
    public var overall: UnitScore
    /// One score per unit, in scheme order.
    public var units: [UnitScore]
    /// The grade bounds the grades were given by (for the table's legend).
    public var grades: GradeBounds
    /// The weights the totals were computed with (for the table's legend).
    public var weights: Weights
    /// The tolerance and the deduction discrepancies were judged by.
    public var verification: Verification
    /// The scheme's time zone (an IANA name): where its dates are, and the zone a
    /// report shows times in.
    public var timeZone: String

    public init(period: String, schemeName: String, schemeSHA256: String,
                overall: UnitScore, units: [UnitScore],
                grades: GradeBounds, weights: Weights, verification: Verification = Verification(),
                timeZone: String = "UTC") {
        self.verification = verification
        self.timeZone = timeZone
        self.period = period
        self.schemeName = schemeName
        self.schemeSHA256 = schemeSHA256
        self.overall = overall
        self.units = units
        self.grades = grades
        self.weights = weights
    }

    /// The score of the unit with this code, if the scheme has it.
    public func unit(_ code: String) -> UnitScore? {
        units.first { $0.unit?.code == code }
    }
}
