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

/// A unit being evaluated: a county office, a district, or the city office itself.
public struct SchemeUnit: Sendable, Hashable {
    /// Short stable code used in records and pushes, e.g. `shouning`.
    public var code: String
    /// Display name, e.g. 寿宁县.
    public var name: String

    public init(code: String, name: String) {
        self.code = code
        self.name = name
    }
}

/// How the two parts of the total are weighed (指标考核 70 %, 公众评议 30 %).
public struct Weights: Sendable, Hashable {
    public var indicators: Exact
    public var `public`: Exact

    public init(indicators: Exact, public: Exact) {
        self.indicators = indicators
        self.public = `public`
    }
}

/// Inclusive lower bounds of the grades (等次); below `average` is poor (差).
public struct GradeBounds: Sendable, Hashable {
    public var excellent: Exact
    public var good: Exact
    public var average: Exact

    public init(excellent: Exact, good: Exact, average: Exact) {
        self.excellent = excellent
        self.good = good
        self.average = average
    }

    public func grade(of total: Exact) -> Grade {
        if total >= excellent { return .excellent }
        if total >= good { return .good }
        if total >= average { return .average }
        return .poor
    }
}

/// The four grades of the evaluation plan.
public enum Grade: String, Sendable, Hashable, CaseIterable {
    case excellent, good, average, poor

    /// The grade as the plan writes it: 优秀, 良, 一般, 差.
    public var chinese: String {
        switch self {
        case .excellent: "优秀"
        case .good: "良"
        case .average: "一般"
        case .poor: "差"
        }
    }
}

/// Site-visit verification (察访核验): how far a self-report may exceed the verified
/// value before it counts as a discrepancy, and what each discrepancy costs (反弄虚作假).
public struct Verification: Sendable, Hashable {
    public var tolerance: Exact
    public var discrepancyDeduction: Exact

    public init(tolerance: Exact = .zero, discrepancyDeduction: Exact = .zero) {
        self.tolerance = tolerance
        self.discrepancyDeduction = discrepancyDeduction
    }
}

/// The two aspects the plan groups indicators into.
public enum Aspect: String, Sendable, Hashable, CaseIterable {
    /// 部门业务工作实绩 — business performance.
    case business
    /// 行政能力建设 — administrative capacity.
    case capacity
}

/// How an indicator's value becomes points (SPEC §5.1).
public enum Rule: String, Sendable, Hashable, CaseIterable {
    /// p × min(1, v / t): partial credit towards a target.
    case ratio
    /// p if v ≥ t, else 0.
    case threshold
    /// p if v = 1 (done / yes), else 0.
    case boolean
    /// max(0, p − v × per): v counts incidents.
    case deduct
    /// min(p, v): v is the points an assessor awarded.
    case manual
}

/// How the office-wide value of an indicator is formed from its units' values (SPEC §5.3).
public enum Aggregate: String, Sendable, Hashable, CaseIterable {
    case sum, mean, min, max
    /// The fraction of units whose indicator is met.
    case shareMet = "share_met"
    /// One unit's value stands for the office.
    case unit
}

/// The overall (office-wide) scoring of an indicator.
public struct Overall: Sendable, Hashable {
    public var aggregate: Aggregate
    /// Target for the overall value; nil: the indicator's own target.
    public var target: Exact?
    /// The unit whose value counts, for `aggregate = unit`.
    public var unit: String?

    public init(aggregate: Aggregate, target: Exact? = nil, unit: String? = nil) {
        self.aggregate = aggregate
        self.target = target
        self.unit = unit
    }
}

/// A first-level indicator (一级指标) with its annual target (年度目标) and scoring
/// standard (评分标准).
public struct Indicator: Sendable, Hashable {
    public var code: String
    public var name: String
    public var aspect: Aspect
    /// Points the indicator is worth; > 0.
    public var points: Exact
    public var rule: Rule
    /// Default target for every unit (> 0 for ratio and threshold; nil where the rule
    /// needs none).
    public var target: Exact?
    /// Per-unit targets overriding `target`, e.g. Shouning's two sirens.
    public var targets: [String: Exact]
    /// Points lost per incident, for `deduct`.
    public var per: Exact?
    /// Units the indicator applies to; empty: every unit.
    public var appliesTo: [String]
    public var overall: Overall

    public init(code: String, name: String, aspect: Aspect, points: Exact, rule: Rule,
                target: Exact? = nil, targets: [String: Exact] = [:], per: Exact? = nil,
                appliesTo: [String] = [], overall: Overall) {
        self.code = code
        self.name = name
        self.aspect = aspect
        self.points = points
        self.rule = rule
        self.target = target
        self.targets = targets
        self.per = per
        self.appliesTo = appliesTo
        self.overall = overall
    }

    public func applies(to unit: String) -> Bool {
        appliesTo.isEmpty || appliesTo.contains(unit)
    }

    /// The unit's target: its own entry in `targets`, else the default.
    public func target(for unit: String) -> Exact? {
        targets[unit] ?? target
    }
}
