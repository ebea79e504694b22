

/// A syntax error in a JSON or JSONL file, with its line and column.
public struct JSONSyntaxError: Error, Sendable {
    public var line: Int
    public var column: Int
    public var message: String
}
