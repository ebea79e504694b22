import FieldsyncProtocol

/// The ledger's view of one file: what was counted when it was accepted.
public struct LedgerEntry: Sendable, Hashable {
    public var id: Int64
    public var sha256: String
    public var source: String
    public var name: String
    public var receivedAt: Timestamp
    public var finished: Bool
    public var counts: ReceiptCounts
    /// Path of the archived copy, relative to `state_dir`.
    public var archive: String?
}
