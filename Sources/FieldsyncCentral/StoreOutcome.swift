/// What ``DocumentStore/store(_:body:)`` did with a pushed document.
public enum StoreOutcome: Sendable, Equatable {
    /// A new row. `becameLatest` is false when a higher sequence of the period was already
    /// stored (an older document arriving late is kept for the record but not shown).
    case stored(becameLatest: Bool)
    /// The same key with byte-identical body was stored before; nothing was written.
    case replayed
    /// The same key was stored before with a different body; nothing was written.
    case conflict
}
