import FieldsyncProtocol

/// A source's files as the ledger counts them (``Ledger/summary(_:source:)``).
public struct LedgerSummary: Sendable, Equatable {
    /// Files by outcome (an outcome with none is absent).
    public var files: [LedgerOutcome: Int] = [:]
    public var lastFile: String?
    public var lastFileAt: Timestamp?
    /// The last rejected file and its first problem.
    public var lastError: String?

    public init() {}
}
