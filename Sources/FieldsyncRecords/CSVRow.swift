/// One CSV record: its fields and the line it starts on.
public struct CSVRow: Sendable {
    /// The fields kept (at most the parser's `maxFields`).
    public var fields: [String]
    public var line: Int
    /// Fields with content beyond the parser's `maxFields`, counted, not kept.
    public var droppedFields: Int

    public init(fields: [String], line: Int, droppedFields: Int = 0) {
        self.fields = fields
        self.line = line
        self.droppedFields = droppedFields
    }
}
