import FieldsyncProtocol
import FieldsyncStore

/// What a county office gets back for an accepted file: `receipts/NAME.receipt.json`
/// in its drop directory (SPEC §4.2).
public struct Receipt: Sendable, Hashable {
    public var file: String
    public var sha256: String
    public var acceptedAt: Timestamp
    public var counts: ReceiptCounts
    /// For a re-drop of bytes already accepted: the name they were first accepted under.
    public var duplicateOf: String?

    public var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("file", .string(file)),
            ("sha256", .string(sha256)),
            ("accepted_at", .string(acceptedAt.iso8601)),
            ("records", .number(counts.records)),
            ("imported", .number(counts.imported)),
            ("updated", .number(counts.updated)),
            ("ignored", .number(counts.ignored)),
            ("retracted", .number(counts.retracted)),
        ]
        if let duplicateOf { members.append(("duplicate_of", .string(duplicateOf))) }
        return .object(members)
    }
}
