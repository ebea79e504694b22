/// What became of a file, as the ledger keeps it (the `file` table's `outcome`).
public enum LedgerOutcome: String, Sendable, CaseIterable {
    /// Its records were reconciled and committed.
    case accepted
    /// Bytes its source had already had accepted: a no-op, with a receipt.
    case duplicate
    /// Set aside with an errors file.
    case rejected

    /// As SQL text, for queries the partial indexes of ``Ledger`` must serve (SQLite
    /// uses a partial index only for the literal its `WHERE` names, not a parameter).
    var sql: String { "'\(rawValue)'" }
}
