import Foundation

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
