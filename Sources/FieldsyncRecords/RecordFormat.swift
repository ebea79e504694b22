import FieldsyncModel
import Glibc

/// The file formats a drop directory accepts, by file-name extension (SPEC §4).
public enum RecordFormat: String, Sendable {
    case json, jsonl, csv
    /// An Excel workbook (Office Open XML): ``WorkbookReader``.
    case xlsx

    public init?(fileName: String) {
        let lower = fileName.lowercased()
        if lower.hasSuffix(".json") { self = .json }
        else if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") { self = .jsonl }
        else if lower.hasSuffix(".csv") { self = .csv }
        else if lower.hasSuffix(".xlsx") { self = .xlsx }
        else { return nil }
    }

    /// The problem of a file whose name says no format this reader knows.
    public static let unsupported: Problem = Reason.unsupportedFileType
}
