/// One CSV record: its fields and the line it starts on.
public struct CSVRow: Sendable {
    public var fields: [String]
    public var line: Int
}
