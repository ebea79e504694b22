/// What a record is about (SPEC §4).
public enum RecordKind: String, Sendable, Hashable, CaseIterable {
    /// A unit's self-assessed value of an indicator (自评).
    case report
    /// An inspector's verified value of an indicator (抽查); beats reports.
    case spotcheck
    /// A problem a site visit found (察访核验), deducted from the unit's total.
    case finding
    /// A public-evaluation result (公众评议).
    case survey
}

extension RecordKind {
    /// The kind a file names, in any letter case. Compares with each name instead of
    /// going through `init(rawValue:)`'s generic string switch: this runs for every record.
    init?(named name: String) {
        for kind in RecordKind.allCases where kind.rawValue == name {
            self = kind
            return
        }
        guard let kind = RecordKind(rawValue: name.lowercased()) else { return nil }
        self = kind
    }
}

/// Whether a revision sets a record or withdraws it.
public enum RecordAction: String, Sendable, Hashable {
    case upsert, retract
}

/// Where in its file a record stood: what every error message and audit row names.
public enum RecordLocation: Sendable, Hashable, CustomStringConvertible {
    /// A line of a CSV or JSONL file (1-based; a CSV record's first line).
    case line(Int)
    /// An element of a JSON array (0-based) and the line it starts on.
    case index(Int, line: Int)
    /// The file as a whole.
    case file

    public var description: String {
        switch self {
        case .line(let n): "line \(n)"
        case .index(let i, let line): "index \(i) (line \(line))"
        case .file: "file"
        }
    }

    /// Sorts problems in file order (file-wide problems first).
    var order: Int {
        switch self {
        case .file: 0
        case .line(let n): n
        case .index(_, let line): line
        }
    }

    /// The same, in Chinese, for clerks.
    public var chinese: String {
        switch self {
        case .line(let n): "第\(n)行"
        case .index(let i, let line): "第\(i)条(第\(line)行)"
        case .file: "文件"
        }
    }
}

/// One validated revision of a record, as it will be stored. Numbers are kept as
/// canonical decimal text (`DecimalText.canonical`) so that storing and comparing them
/// never goes through binary floating point.
public struct Record: Sendable, Hashable {
    public var id: String
    public var revision: Int
    public var kind: RecordKind
    public var action: RecordAction
    public var period: String
    public var unit: String
    public var indicator: String?
    /// report, spotcheck: the indicator's value (booleans as `1` / `0`).
    public var value: String?
    /// finding: points deducted.
    public var deduction: String?
    /// survey: public-evaluation score, 0–100.
    public var score: String?
    /// survey: how many answered.
    public var respondents: Int?
    public var observedAt: Timestamp
    public var note: String?
    public var by: String?
    /// Where it stood in its file; not part of its content.
    public var location: RecordLocation

    public init(id: String, revision: Int = 1, kind: RecordKind, action: RecordAction = .upsert,
                period: String, unit: String, indicator: String? = nil, value: String? = nil,
                deduction: String? = nil, score: String? = nil, respondents: Int? = nil,
                observedAt: Timestamp, note: String? = nil, by: String? = nil,
                location: RecordLocation = .file) {
        self.id = id
        self.revision = revision
        self.kind = kind
        self.action = action
        self.period = period
        self.unit = unit
        self.indicator = indicator
        self.value = value
        self.deduction = deduction
        self.score = score
        self.respondents = respondents
        self.observedAt = observedAt
        self.note = note
        self.by = by
        self.location = location
    }
}
