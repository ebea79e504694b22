import FieldsyncProtocol
import Foundation

/// One scores document as central keeps it: the raw body bytes exactly as pushed.
public struct StoredDocument: Sendable, Equatable {
    public var identity: IdempotencyKey
    /// The request body, byte for byte — numbers and all keep the sender's exact text.
    public var body: [UInt8]
    /// When central first accepted it, UTC RFC 3339 (e.g. `2026-11-27T04:00:05Z`).
    public var receivedAt: String

    public init(identity: IdempotencyKey, body: [UInt8], receivedAt: String) {
        self.identity = identity
        self.body = body
        self.receivedAt = receivedAt
    }
}
