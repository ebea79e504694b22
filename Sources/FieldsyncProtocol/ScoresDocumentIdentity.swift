/// Which document a push carries: the office, the period and the sequence number.
///
/// Together they make the idempotency key `OFFICE/PERIOD/SEQUENCE` (SPEC §7), the unit
/// central stores and deduplicates by.
public struct ScoresDocumentIdentity: Sendable, Hashable {
    public var office: String
    public var period: String
    public var sequence: Int64

    public init(office: String, period: String, sequence: Int64) {
        self.office = office
        self.period = period
        self.sequence = sequence
    }

    /// The idempotency key a sender must use for this document.
    public var idempotencyKey: String { IdempotencyKey(office: office, period: period, sequence: sequence).description }
}
