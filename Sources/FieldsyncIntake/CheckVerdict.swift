import FieldsyncModel
import FieldsyncProtocol
import FieldsyncStore

/// What `fieldsync check` says of a file: what the daemon would do with it, were it
/// dropped now (nothing is stored or moved to find out).
public enum CheckVerdict: Sendable {
    /// It would be accepted with these counts.
    case wouldAccept(ReceiptCounts)
    /// These very bytes were accepted already, under `name` from `source`: dropping
    /// them again is a no-op.
    case duplicate(of: String, source: String, acceptedAt: Timestamp)
    /// It would be rejected for these problems.
    case wouldReject(Problems)
}
