/// Which document a push carries — the office, the period and the sequence — and the
/// key it travels under (SPEC §7): `OFFICE/PERIOD/SEQUENCE`, the same for the same
/// document forever, across restarts and retries. The daemon sends it in the
/// `Idempotency-Key` header; central checks it against the document and stores and
/// deduplicates by it.
public struct IdempotencyKey: Sendable, Hashable, CustomStringConvertible {
    public var office: String
    public var period: String
    public var sequence: Int64

    public init(office: String, period: String, sequence: Int64) {
        self.office = office
        self.period = period
        self.sequence = sequence
    }

    /// The header's value, e.g. `ningde-rfb/2026/7`.
    public var description: String { "\(office)/\(period)/\(sequence)" }
}
