/// Why a text is not JSON, and where: line and column for a person, the byte offset
/// for a program.
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    /// Bytes from the start of the text to where reading stopped.
    public var offset: Int
    public var message: String

    public init(line: Int, column: Int, offset: Int, message: String) {
        self.line = line
        self.column = column
        self.offset = offset
        self.message = message
    }

    public var description: String { "not valid JSON at line \(line), column \(column): \(message)" }
}
