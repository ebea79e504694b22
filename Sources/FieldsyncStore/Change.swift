/// What one accepted revision did to the store, as counted on a receipt.
public enum Change: Sendable {
    /// A new record id.
    case imported
    /// A higher revision of a known id.
    case updated
    /// A lower revision, or the same revision again with the same content.
    case ignored
    /// A higher revision with `action = retract`: the record no longer counts.
    case retracted
}
