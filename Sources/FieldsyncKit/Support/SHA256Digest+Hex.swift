import Crypto

extension SHA256Digest {
    /// Lower-case hex, as the ledger, receipts, schemes and the outbox write digests.
    var hex: String { map { String(format: "%02x", $0) }.joined() }
}
