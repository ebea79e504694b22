import FieldsyncProtocol
import Foundation

/// One period's evaluation plan (评估方案): its units, indicators, weights and grade
/// bounds. Loaded from a scheme TOML file (SPEC §3); scoring reads nothing else.
public struct Scheme: Sendable {
    /// The period this scheme scores, e.g. `"2026"`.
    public var period: String
    /// The plan's title, e.g. 宁德市人防办2026年度绩效评估指标.
    public var name: String
    /// The zone in which a date-only `observed_at` starts (Asia/Shanghai).
    public var timeZone: TimeZone
    /// Files arriving after this instant are rejected; nil: never closes.
    public var closesAt: Timestamp?
    public var weights: Weights
    public var grades: GradeBounds
    public var verification: Verification
    /// Units in scheme order: the order of every published table.
    public var units: [SchemeUnit]
    /// Indicators in scheme order.
    public var indicators: [Indicator]
    /// sha256 of the scheme file's bytes, published with every scores document so that
    /// central can tell which plan a document was scored under.
    public var sha256: String

    public init(period: String, name: String, timeZone: TimeZone, closesAt: Timestamp? = nil,
                weights: Weights, grades: GradeBounds, verification: Verification,
                units: [SchemeUnit], indicators: [Indicator], sha256: String) {
        self.period = period
        self.name = name
        self.timeZone = timeZone
        self.closesAt = closesAt
        self.weights = weights
        self.grades = grades
        self.verification = verification
        self.units = units
        self.indicators = indicators
        self.sha256 = sha256
    }

    public func unit(_ code: String) -> SchemeUnit? { units.first { $0.code == code } }
}
