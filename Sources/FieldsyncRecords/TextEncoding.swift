import Glibc

/// The text encodings a drop file may be in (SPEC §4).
public enum TextEncoding: String, Sendable {
    case utf8
    /// UTF-8 with a byte-order mark, as Excel's "CSV UTF-8" writes.
    case utf8BOM = "utf8-bom"
    /// What Excel on Chinese Windows writes for plain "CSV" (a superset of GBK/GB2312).
    case gb18030
}
