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

/// What became of one file in a drop directory.
public enum FileOutcome: Sendable {
    case accepted(Receipt)
    case rejected([Problem])
    /// Not read: a temporary name, a directory, or it vanished meanwhile.
    case skipped
}

/// A file waiting in a drop directory, as listed before it is processed.
public struct WaitingFile: Sendable, Hashable {
    public var name: String
    /// Its modification time (a writer may still be adding to a recent one).
    public var modified: Timestamp
    /// False for links, FIFOs and other entries that will be refused.
    public var isRegular: Bool

    /// How long ago it was last modified (negative for a clock ahead of ours).
    public func age(at now: Timestamp) -> Duration {
        .microseconds(now.microseconds - modified.microseconds)
    }
}
