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
    /// For a row of a fill-in workbook: the revision it was based on, instead of a
    /// revision of its own; the store makes it the next one (SPEC §4.1).
    public var basis: Basis?
    /// Where it stood in its file; not part of its content.
    public var location: RecordLocation

    /// What a row of a fill-in workbook (`fieldsync template`) was made from: the
    /// revision of its id in force when the workbook was made (0: none), and when the
    /// workbook was last saved (its `dcterms:modified`), which orders the copies of one
    /// workbook. A correction becomes the next revision without anyone editing ids or
    /// revisions, and an older copy dropped later never wins.
    public struct Basis: Sendable, Hashable {
        public var revision: Int
        public var savedAt: Timestamp?

        public init(revision: Int, savedAt: Timestamp?) {
            self.revision = revision
            self.savedAt = savedAt
        }
    }

    /// Inlinable: a validator makes one per row of a large file, and called across the
    /// module boundary the initialiser copied every string it was given (and the caller
    /// then destroyed its own) — 5 % of the reader thread.
    @inlinable
    public init(id: String, revision: Int = 1, kind: RecordKind, action: RecordAction = .upsert,
                period: String, unit: String, indicator: String? = nil, value: String? = nil,
                deduction: String? = nil, score: String? = nil, respondents: Int? = nil,
                observedAt: Timestamp, note: String? = nil, by: String? = nil, basis: Basis? = nil,
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
        self.basis = basis
        self.location = location
    }
}
