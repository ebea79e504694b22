import FieldsyncModel

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
    /// For a unit: its self-reported value and the inspectors' verified one, each in
    /// force (nil: none); what a discrepancy compares. Nil for the overall.
    public var reported: Exact?
    public var verified: Exact?

    public init(indicator: Indicator, target: Exact?, value: Exact?, source: ValueSource,
                score: Exact, met: Bool, discrepancy: Bool, reported: Exact? = nil, verified: Exact? = nil) {
        self.reported = reported
        self.verified = verified
        self.indicator = indicator
        self.target = target
        self.value = value
        self.source = source
        self.score = score
        self.met = met
        self.discrepancy = discrepancy
    }
}
