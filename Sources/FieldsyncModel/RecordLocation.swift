/// Where in its file a record stood: what every error message and audit row names.
public enum RecordLocation: Sendable, Hashable, CustomStringConvertible {
    /// A line of a CSV or JSONL file (1-based; a CSV record's first line).
    case line(Int)
    /// An element of a JSON array (0-based) and the line it starts on.
    case index(Int, line: Int)
    /// A row of a spreadsheet (1-based, as the sheet numbers it).
    case row(Int)
    /// One cell of a spreadsheet: its row and column letters (`C5`).
    case cell(row: Int, column: String)
    /// The file as a whole.
    case file

    public var description: String {
        switch self {
        case .line(let n): "line \(n)"
        case .index(let i, let line): "index \(i) (line \(line))"
        case .row(let n): "row \(n)"
        case .cell(let row, let column): "cell \(column)\(row)"
        case .file: "file"
        }
    }

    /// Sorts problems in file order (file-wide problems first).
    public var order: Int {
        switch self {
        case .file: 0
        case .line(let n): n
        case .index(_, let line): line
        case .row(let n), .cell(let n, _): n
        }
    }

    /// The same, in Chinese, for clerks.
    public var chinese: String {
        switch self {
        case .line(let n): "第\(n)行"
        case .index(let i, let line): "第\(i)条(第\(line)行)"
        case .row(let n): "第\(n)行"
        case .cell(let row, let column): "第\(row)行 \(column)列"
        case .file: "文件"
        }
    }
}
