import FieldsyncModel
import Glibc

/// One record as read from a file, before validation: its known fields by position
/// (no per-record dictionary: a large file has hundreds of thousands of these), the
/// names of fields this version does not know, and where it stood.
public struct RawRecord: Sendable {
    public var location: RecordLocation
    public var values: [RawField?]
    public var unknown: [String] = []
    /// When the workbook holding it was last saved, as its `docProps/core.xml` says
    /// (`dcterms:modified`): what orders copies of one fill-in workbook. Nil for text
    /// files and workbooks that do not say.
    public var savedAt: String?
    /// In a workbook, each field's column letters (`F`), by ``RecordField`` position:
    /// a problem with a field is placed at its cell. One array per sheet, shared.
    public var columnLetters: [String?]?

    public init(location: RecordLocation) {
        self.location = location
        self.values = Array(repeating: nil, count: RecordField.allCases.count)
    }

    public subscript(field: RecordField) -> RawField? {
        get { values[field.rawValue] }
        set { values[field.rawValue] = newValue }
    }

    /// Sets a field by the name the file used.
    public mutating func set(_ name: String, _ value: RawField) {
        if let field = RecordField(name: name) { self[field] = value } else { unknown.append(name) }
    }
}
