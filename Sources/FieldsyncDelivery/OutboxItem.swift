import FieldsyncProtocol
import Foundation

/// One scores document waiting in (or delivered from) the outbox.
public struct OutboxItem: Sendable, Hashable {
    public var period: String
    public var sequence: Int
    public var document: [UInt8]
    /// Attempts made so far (the backoff grows with them).
    public var attempts: Int

    /// `OFFICE/PERIOD/SEQUENCE`: the same for the same sequence forever (SPEC §7).
    public func idempotencyKey(office: String) -> String {
        IdempotencyKey(office: office, period: period, sequence: Int64(sequence)).description
    }
}
