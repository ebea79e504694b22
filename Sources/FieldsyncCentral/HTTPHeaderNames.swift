import Hummingbird

/// Header names of the push protocol that HTTPTypes does not predefine.
///
/// Reached as `HTTPFields.Element.Name` (that is `HTTPField.Name`) because Hummingbird
/// re-exports `HTTPFields` but not `HTTPField`; this way the target needs no direct
/// dependency on swift-http-types.
extension HTTPFields.Element.Name {
    /// `Idempotency-Key: OFFICE/PERIOD/SEQUENCE`, required on a push.
    public static let idempotencyKey = Self("Idempotency-Key")!
    /// `Idempotent-Replayed: true` on the answer to a replayed push.
    public static let idempotentReplayed = Self("Idempotent-Replayed")!
    /// `Fieldsync-Sequence: N` on a GET of a period's latest document.
    public static let fieldsyncSequence = Self("Fieldsync-Sequence")!
}
