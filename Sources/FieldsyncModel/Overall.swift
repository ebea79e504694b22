import Foundation

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
