import FieldsyncProtocol
import Foundation

/// Where central keeps what offices push: every sequence of every office and period,
/// once, with when it arrived and the fingerprint of the token that pushed it (never the
/// token). The server, the push handler and the pages know only this interface; SQLite
/// (``DocumentStore``) is the embedded implementation for a city.
///
/// The idempotency contract is the storage's to keep, not memory's: the same key with
/// the same bytes is a replay, with other bytes a conflict, decided in one transaction
/// against a unique key — so it holds however many receivers share one database.
public protocol DocumentStorage: Sendable {
    /// Stores `body` under `identity` unless that key is already there, or unless its
    /// period would be one more than the `maxPeriods` the office may have.
    func store(_ identity: IdempotencyKey, body: [UInt8], receivedAt: Date, tokenFingerprint: String?,
               maxPeriods: Int) async throws -> StoreOutcome
    /// The highest-sequence document of an office and period.
    func latest(office: String, period: String) async throws -> StoredDocument?
    /// One stored sequence, byte for byte as pushed.
    func document(office: String, period: String, sequence: Int64) async throws -> StoredDocument?
    /// The latest document of every office and period, by office, then newest period
    /// first; `offices` of them from the `skip`-th office on (paging the overview).
    func latestDocuments(skip: Int, offices: Int) async throws -> [StoredDocument]
    /// Every office that pushed, with how many periods and when it last pushed.
    func offices() async throws -> [OfficeSummary]
    /// An office's periods, newest first, each with its latest sequence.
    func periods(office: String) async throws -> [PeriodSummary]
    /// The stored sequences of an office and period, in order.
    func sequences(office: String, period: String) async throws -> [SequenceEntry]
    /// How many documents are stored, for one office and period or (both nil) in all.
    func documentCount(office: String?, period: String?) async throws -> Int
    /// How many periods an office has documents for.
    func periodCount(office: String) async throws -> Int
    /// Grows whenever a document is stored (by any receiver on the database): what was
    /// rendered from the store before is stale once it has grown.
    func changeMark() async throws -> Int64
    /// Whether the database answers, for `/healthz`.
    func isHealthy() async -> Bool
}

extension DocumentStorage {
    public func store(_ identity: IdempotencyKey, body: [UInt8], receivedAt: Date = Date()) async throws -> StoreOutcome {
        try await store(identity, body: body, receivedAt: receivedAt, tokenFingerprint: nil, maxPeriods: .max)
    }

    public func store(_ identity: IdempotencyKey, body: [UInt8], receivedAt: Date, tokenFingerprint: String?) async throws
        -> StoreOutcome
    {
        try await store(identity, body: body, receivedAt: receivedAt, tokenFingerprint: tokenFingerprint, maxPeriods: .max)
    }

    public func documentCount() async throws -> Int { try await documentCount(office: nil, period: nil) }

    public func latestDocuments() async throws -> [StoredDocument] { try await latestDocuments(skip: 0, offices: .max) }
}

/// An office, as the history API lists it.
public struct OfficeSummary: Sendable, Equatable {
    public var office: String
    public var periods: Int
    /// When its newest document arrived (UTC RFC 3339).
    public var lastPushAt: String
}

/// An office's period, as the history API lists it.
public struct PeriodSummary: Sendable, Equatable {
    public var period: String
    public var latestSequence: Int64
    public var sequences: Int
    public var lastPushAt: String
}

/// One stored sequence: when it arrived, and which token pushed it.
public struct SequenceEntry: Sendable, Equatable {
    public var sequence: Int64
    public var receivedAt: String
    /// The first 16 hex digits of the SHA-256 of the token that pushed it; nil when the
    /// receiver takes pushes without a token.
    public var tokenFingerprint: String?
}
