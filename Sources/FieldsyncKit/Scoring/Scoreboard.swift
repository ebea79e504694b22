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

    public init(period: String, schemeName: String, schemeSHA256: String,
                overall: UnitScore, units: [UnitScore],
                grades: GradeBounds, weights: Weights) {
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

/// The score of one unit (SPEC §5.2), or of the office overall (§5.3) when `unit` is nil.
///
/// The four components are published rounded half-up to 2 decimals, and `total` is
/// computed from the rounded components, so that a clerk with the table and a
/// calculator arrives at the same total.
public struct UnitScore: Sendable, Hashable {
    /// The unit; nil for the office overall.
    public var unit: SchemeUnit?
    /// 100 × Σ scores ÷ Σ points over the applicable indicators, rounded to 2 dp.
    public var indicatorScore: Exact
    /// Respondent-weighted mean of the surveys in force, rounded to 2 dp; 0 when none.
    public var publicScore: Exact
    /// Findings plus verification deductions, rounded to 2 dp.
    public var deductions: Exact
    /// indicator × w_ind + public × w_pub − deductions, clamped to 0…100, rounded to 2 dp.
    public var total: Exact
    public var grade: Grade
    /// False when an applicable indicator has no value or there is no survey (for the
    /// overall: when any unit is incomplete).
    public var complete: Bool
    /// The applicable indicators, in scheme order (for the overall: every indicator).
    public var indicators: [IndicatorScore]
    /// Σ respondents of the surveys counted in `publicScore`.
    public var respondents: Int
    /// The findings in force, by id (byte order of the UTF-8 text); empty for the overall.
    public var findings: [Finding]
    /// How many indicators have a discrepancy (SPEC §5.4); for the overall, Σ of the units'.
    public var discrepancies: Int

    public init(unit: SchemeUnit?, indicatorScore: Exact, publicScore: Exact, deductions: Exact,
                total: Exact, grade: Grade, complete: Bool, indicators: [IndicatorScore],
                respondents: Int, findings: [Finding], discrepancies: Int) {
        self.unit = unit
        self.indicatorScore = indicatorScore
        self.publicScore = publicScore
        self.deductions = deductions
        self.total = total
        self.grade = grade
        self.complete = complete
        self.indicators = indicators
        self.respondents = respondents
        self.findings = findings
        self.discrepancies = discrepancies
    }

    /// True for the office overall.
    public var isOverall: Bool { unit == nil }

    /// The score of the indicator with this code, if it applies.
    public func indicator(_ code: String) -> IndicatorScore? {
        indicators.first { $0.indicator.code == code }
    }
}

/// One indicator scored for one unit (SPEC §5.1), or for the office overall (§5.3).
///
/// `score` is kept **exact** (a ratio such as 20 × 55000/60000 is a repeating
/// fraction): only the unit's `indicatorScore` is rounded, after summing, so that the
/// rounding happens once.
///
/// For the overall, `value` is the aggregate (sum, mean, min, max, share met, or the
/// one unit's value) and `source` is `.none`: it is not a record's value.
/// `ScoresDocument` writes such a row's source as `"overall"`.
public struct IndicatorScore: Sendable, Hashable {
    public var indicator: Indicator
    /// The target scored against: the unit's target, or the overall target.
    public var target: Exact?
    /// The value scored; nil when there is none (then `score` is 0).
    public var value: Exact?
    /// Where the value came from; `.none` without a value and for overall rows.
    public var source: ValueSource
    /// Points earned, exact (not rounded).
    public var score: Exact
    /// True when `score` equals the indicator's points.
    public var met: Bool
    /// For a unit: the self-report exceeds the spot-check by more than the tolerance
    /// (for `deduct`: reports fewer incidents than verified). For the overall: any
    /// unit has that discrepancy on this indicator.
    public var discrepancy: Bool

    public init(indicator: Indicator, target: Exact?, value: Exact?, source: ValueSource,
                score: Exact, met: Bool, discrepancy: Bool) {
        self.indicator = indicator
        self.target = target
        self.value = value
        self.source = source
        self.score = score
        self.met = met
        self.discrepancy = discrepancy
    }
}
