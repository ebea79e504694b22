/// Where a scores document stands in the outbox (the `outbox` table's `state`).
public enum OutboxState: String, Sendable, CaseIterable {
    /// Waiting to be delivered (again).
    case pending
    /// Central answered 2xx or 409.
    case delivered
    /// Central refused it for good (a 4xx other than 408, 409, 429, or a 3xx): kept,
    /// shown by `status`, tried again after a reload or `fieldsync push`.
    case dead
    /// A newer sequence of its period was staged before it was delivered.
    case superseded

    /// As SQL text, for a query the outbox's index by state must serve.
    var sql: String { "'\(rawValue)'" }
}
