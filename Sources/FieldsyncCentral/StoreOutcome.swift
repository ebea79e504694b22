/// What ``DocumentStorage/store(_:body:receivedAt:tokenFingerprint:maxPeriods:)`` did with a pushed document.
public enum StoreOutcome: Sendable, Equatable {
    /// A new row. `becameLatest` is false when a higher sequence of the period was already
    /// stored (an older document arriving late is kept for the record but not shown).
    case stored(becameLatest: Bool)
    /// The same key with byte-identical body was stored before; nothing was written.
    case replayed
    /// The same key was stored before with a different body; nothing was written.
    case conflict
    /// The period would be one more than the office may have (`maxPeriods`); nothing was
    /// written. Decided in the same transaction as the insert, so concurrent pushes of
    /// new periods — to one receiver or several — cannot pass the limit together.
    case tooManyPeriods
}
