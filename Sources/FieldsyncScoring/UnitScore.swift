import FieldsyncModel
import FieldsyncProtocol

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
