import FieldsyncProtocol

/// What one source's files came to, for ever (``Ledger/totals(_:)``): the metrics'
/// counters, read from the store so that a restart does not reset them.
public struct SourceTotals: Sendable, Equatable {
    /// Files by outcome; every outcome present, zeros included.
    public var files: [LedgerOutcome: Int] = Dictionary(uniqueKeysWithValues: LedgerOutcome.allCases.map { ($0, 0) })
    /// Records of accepted files by what became of them.
    public var imported = 0, updated = 0, ignored = 0, retracted = 0
    /// When the source's last accepted file arrived; nil if none ever did.
    public var lastAcceptedAt: Timestamp?
    /// How long each answered file took from its drop to its answer, oldest first.
    public var answerTimes: [Duration] = []

    public init() {}
}
