/// Whether a revision sets a record or withdraws it.
public enum RecordAction: String, Sendable, Hashable {
    case upsert, retract
}
