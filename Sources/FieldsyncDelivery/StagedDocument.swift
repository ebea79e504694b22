/// A scores document the outbox has just staged, with its bytes: what the courier posts
/// next without reading back from the store what it has just written there.
public struct StagedDocument: Sendable, Hashable {
    public var period: String
    public var sequence: Int
    /// The document exactly as committed to `outbox_document`.
    public var document: [UInt8]

    public init(period: String, sequence: Int, document: [UInt8]) {
        self.period = period
        self.sequence = sequence
        self.document = document
    }
}
