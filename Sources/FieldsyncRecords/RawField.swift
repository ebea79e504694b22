import Glibc

/// A field of a record as the file wrote it, before validation.
public enum RawField: Sendable, Equatable {
    case text(String)
    /// A JSON number's text.
    case number(String)
    case bool(Bool)
    /// A spreadsheet's date with a time of day: a clock time (`2026-11-20T09:30:00`)
    /// without an offset, in the zone of the record's scheme.
    case clockTime(String)
    /// A JSON array or object where a plain value belongs.
    case structured
}
