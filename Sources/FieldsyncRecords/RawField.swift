import Glibc

/// A field of a record as the file wrote it, before validation.
public enum RawField: Sendable, Equatable {
    case text(String)
    /// A JSON number's text.
    case number(String)
    case bool(Bool)
    /// A JSON array or object where a plain value belongs.
    case structured
}
