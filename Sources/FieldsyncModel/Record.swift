import FieldsyncProtocol

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
