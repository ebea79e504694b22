import FieldsyncProtocol

/// A period's documents in the outbox, as `status` shows them
/// (``Outbox/periodStatus(_:now:)``).
public struct OutboxPeriodStatus: Sendable {
    public var period: String
    public var pending: Int
    public var delivered: Int
    public var dead: Int
    public var latestSequence: Int
    public var lastAttemptAt: Timestamp?
    public var lastSuccessAt: Timestamp?
    public var lastError: String?
    /// How long the oldest document not yet delivered has waited.
    public var oldestUndeliveredAge: Duration?
    /// The records changed at this time, and the scores are not staged yet (the
    /// courier stages them `debounce` after the last change).
    public var changedAt: Timestamp?
}
