/// A parsed JSON value that keeps every number as the exact text it was sent as.
///
/// Central never does arithmetic on a scores document: it checks its shape, stores the
/// raw bytes and shows the numbers on the scoreboard. Going through `Double` would turn
/// `86.615` into `86.61499999…`, so numbers stay text (already checked against the JSON
/// number grammar), and objects keep their members in document order.
public enum JSONValue: Sendable, Equatable {
    case object([(key: String, value: JSONValue)])
    case array([JSONValue])
    case string(String)
    /// The number exactly as written, e.g. `"86.615"`, `"-0"`, `"1e3"`.
    case number(String)
    case bool(Bool)
    case null

    /// The first member named `key` when this is an object (the parser rejects duplicates).
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first(where: { $0.key == key })?.value
    }

    /// A short name of the value's JSON type, for error messages.
    public var typeName: String {
        switch self {
        case .object: "object"
        case .array: "array"
        case .string: "string"
        case .number: "number"
        case .bool: "boolean"
        case .null: "null"
        }
    }

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.object(let a), .object(let b)):
            a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case (.array(let a), .array(let b)): a == b
        case (.string(let a), .string(let b)): a == b
        case (.number(let a), .number(let b)): a == b
        case (.bool(let a), .bool(let b)): a == b
        case (.null, .null): true
        default: false
        }
    }
}
