import Foundation

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
