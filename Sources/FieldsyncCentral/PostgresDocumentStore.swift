import FieldsyncProtocol
import Foundation
import Logging
import NIOSSL
import PostgresNIO

/// Central's ``DocumentStorage`` on PostgreSQL, for a province: any number of receivers
/// on one database, its history queryable with the tools a provincial IT department
/// already runs.
///
/// The idempotency contract is the database's: the key is unique, and a push is one
/// transaction that inserts unless the key is there, then compares — so the same key
/// pushed at the same moment to two receivers is stored once (the second insert waits
/// for the first's commit, then finds the row), whichever receiver it lands on. Schema
/// migrations run at start-up under an advisory lock: receivers starting together
/// migrate once.
public final class PostgresDocumentStore: DocumentStorage {
    let client: PostgresClient
    private let running: Task<Void, Never>
    let logger: Logger

    /// The advisory lock migrations run under (any fixed number, the same everywhere).
    static let migrationLock: Int64 = 0x6669_656c_6473_796e  // "fieldsyn"

    /// Connects (the pool runs until ``close()``) and brings the schema up to date.
    public init(_ database: DatabaseURL, logger: Logger) async throws {
        self.logger = logger
        // One connection first: it migrates, and a wrong URL fails here, at once.
        let first = try await PostgresConnection.connect(configuration: try database.connectionConfiguration(), id: 0, logger: logger)
        do {
            try await Self.migrate(first, logger: logger)
        } catch {
            try? await first.close()
            throw error
        }
        try await first.close()
        let client = PostgresClient(configuration: database.clientConfiguration(), backgroundLogger: logger)
        self.client = client
        running = Task { await client.run() }
    }

    deinit { running.cancel() }

    /// Stops the pool.
    public func close() { running.cancel() }

    /// The schema, version by version, under the advisory lock on one connection.
    private static func migrate(_ connection: PostgresConnection, logger: Logger) async throws {
        do {
            try await connection.query("SELECT pg_advisory_lock(\(Self.migrationLock))", logger: logger)
            do {
                try await connection.query("CREATE TABLE IF NOT EXISTS central_schema (version INTEGER NOT NULL)", logger: logger)
                var version = 0
                for try await v in try await connection.query("SELECT version FROM central_schema", logger: logger).decode(Int.self) {
                    version = v
                }
                if version < 1 {
                    try await connection.query("""
                        CREATE TABLE document (
                            id BIGSERIAL PRIMARY KEY,
                            idempotency_key TEXT NOT NULL UNIQUE,
                            office TEXT NOT NULL,
                            period TEXT NOT NULL,
                            sequence BIGINT NOT NULL CHECK (sequence >= 1),
                            body BYTEA NOT NULL,
                            received_at TEXT NOT NULL,
                            token_fingerprint TEXT,
                            UNIQUE (office, period, sequence)
                        )
                        """, logger: logger)
                    try await connection.query("DELETE FROM central_schema", logger: logger)
                    try await connection.query("INSERT INTO central_schema (version) VALUES (1)", logger: logger)
                }
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.migrationLock))", logger: logger)
                throw error
            }
            try await connection.query("SELECT pg_advisory_unlock(\(Self.migrationLock))", logger: logger)
        }
    }

    /// One transaction. A period new to the office first takes a transaction-scoped
    /// advisory lock on the office, so that receivers storing new periods of one office
    /// at the same moment count its periods one after the other (`maxPeriods` holds).
    public func store(_ identity: IdempotencyKey, body: [UInt8], receivedAt: Date, tokenFingerprint: String?,
                      maxPeriods: Int) async throws -> StoreOutcome
    {
        let received = Timestamp(receivedAt).iso8601Seconds
        let key = identity.description, office = identity.office, period = identity.period, sequence = identity.sequence
        let bytes = Data(body)
        return try await deadline { [client, logger] in try await client.withTransaction(logger: logger) { connection -> StoreOutcome in
            // The limit's count must see what committed while this push waited for the
            // office's lock: READ COMMITTED, whatever the server's default.
            try await connection.query("SET TRANSACTION ISOLATION LEVEL READ COMMITTED", logger: logger)
            var highest: Int64?
            for try await h in try await connection.query(
                "SELECT MAX(sequence) FROM document WHERE office = \(office) AND period = \(period)", logger: logger
            ).decode(Int64?.self) {
                highest = h
            }
            if highest == nil, maxPeriods < .max {
                try await connection.query("SELECT pg_advisory_xact_lock(hashtextextended(\(office), 0))", logger: logger)
                var periods = 0
                for try await n in try await connection.query(
                    "SELECT COUNT(DISTINCT period) FROM document WHERE office = \(office) AND period <> \(period)", logger: logger
                ).decode(Int.self) {
                    periods = n
                }
                if periods >= maxPeriods { return .tooManyPeriods }
            }
            var inserted = false
            for try await _ in try await connection.query("""
                INSERT INTO document (idempotency_key, office, period, sequence, body, received_at, token_fingerprint)
                VALUES (\(key), \(office), \(period), \(sequence), \(bytes), \(received), \(tokenFingerprint))
                ON CONFLICT DO NOTHING RETURNING id
                """, logger: logger).decode(Int64.self) {
                inserted = true
            }
            if inserted { return .stored(becameLatest: highest.map { sequence > $0 } ?? true) }
            for try await existing in try await connection.query(
                "SELECT body FROM document WHERE idempotency_key = \(key)", logger: logger
            ).decode(Data.self) {
                return existing == bytes ? .replayed : .conflict
            }
            // The same office, period and sequence under another key cannot be: the key is made of them.
            return .conflict
        } }
    }

    public func latest(office: String, period: String) async throws -> StoredDocument? {
        try await documents("""
            SELECT office, period, sequence, body, received_at FROM document
            WHERE office = \(office) AND period = \(period) ORDER BY sequence DESC LIMIT 1
            """).first
    }

    public func document(office: String, period: String, sequence: Int64) async throws -> StoredDocument? {
        try await documents("""
            SELECT office, period, sequence, body, received_at FROM document
            WHERE office = \(office) AND period = \(period) AND sequence = \(sequence)
            """).first
    }

    public func latestDocuments(skip: Int, offices: Int) async throws -> [StoredDocument] {
        let limit = min(offices, Int(Int32.max))
        return try await documents("""
            SELECT DISTINCT ON (office, period) office, period, sequence, body, received_at FROM document
            WHERE office IN (SELECT DISTINCT office FROM document ORDER BY office LIMIT \(limit) OFFSET \(skip))
            ORDER BY office, period DESC, sequence DESC
            """)
    }

    public func offices() async throws -> [OfficeSummary] { try await deadline { try await self.officeList() } }

    private func officeList() async throws -> [OfficeSummary] {
        var out: [OfficeSummary] = []
        for try await (office, periods, last) in try await client.query("""
            SELECT office, COUNT(DISTINCT period), MAX(received_at) FROM document GROUP BY office ORDER BY office
            """, logger: logger).decode((String, Int64, String).self) {
            out.append(OfficeSummary(office: office, periods: Int(periods), lastPushAt: last))
        }
        return out
    }

    public func periods(office: String) async throws -> [PeriodSummary] { try await deadline { try await self.periodList(office) } }

    private func periodList(_ office: String) async throws -> [PeriodSummary] {
        var out: [PeriodSummary] = []
        for try await (period, latest, count, last) in try await client.query("""
            SELECT period, MAX(sequence), COUNT(*), MAX(received_at) FROM document
            WHERE office = \(office) GROUP BY period ORDER BY period DESC
            """, logger: logger).decode((String, Int64, Int64, String).self) {
            out.append(PeriodSummary(period: period, latestSequence: latest, sequences: Int(count), lastPushAt: last))
        }
        return out
    }

    public func sequences(office: String, period: String) async throws -> [SequenceEntry] {
        try await deadline { try await self.sequenceList(office, period) }
    }

    private func sequenceList(_ office: String, _ period: String) async throws -> [SequenceEntry] {
        var out: [SequenceEntry] = []
        for try await (sequence, received, fingerprint) in try await client.query("""
            SELECT sequence, received_at, token_fingerprint FROM document
            WHERE office = \(office) AND period = \(period) ORDER BY sequence
            """, logger: logger).decode((Int64, String, String?).self) {
            out.append(SequenceEntry(sequence: sequence, receivedAt: received, tokenFingerprint: fingerprint))
        }
        return out
    }

    public func documentCount(office: String?, period: String?) async throws -> Int {
        try await single("""
            SELECT COUNT(*) FROM document
            WHERE (\(office)::TEXT IS NULL OR office = \(office)) AND (\(period)::TEXT IS NULL OR period = \(period))
            """)
    }

    public func periodCount(office: String) async throws -> Int {
        try await single("SELECT COUNT(DISTINCT period) FROM document WHERE office = \(office)")
    }

    public func changeMark() async throws -> Int64 {
        Int64(try await single("SELECT COALESCE(MAX(id), 0) FROM document"))
    }

    public func isHealthy() async -> Bool {
        (try? await single("SELECT 1")) == 1
    }

    /// How long a push or a page may wait for the database: past it, the push is
    /// answered 503 (nothing committed) instead of hanging while the pool reconnects.
    static let patience: Duration = .seconds(15)

    /// `body`, or an error once ``patience`` is over (the body is cancelled).
    private func deadline<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: Self.patience)
                throw DatabaseTimeout()
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { throw DatabaseTimeout() }
            return first
        }
    }

    struct DatabaseTimeout: Error, CustomStringConvertible {
        var description: String { "the database did not answer within \(PostgresDocumentStore.patience)" }
    }

    private func single(_ query: PostgresQuery) async throws -> Int {
        try await deadline { [client, logger] in
            for try await n in try await client.query(query, logger: logger).decode(Int64.self) { return Int(n) }
            return 0
        }
    }

    private func documents(_ query: PostgresQuery) async throws -> [StoredDocument] {
        try await deadline { try await self.documentList(query) }
    }

    private func documentList(_ query: PostgresQuery) async throws -> [StoredDocument] {
        var out: [StoredDocument] = []
        for try await (office, period, sequence, body, received) in try await client.query(query, logger: logger)
            .decode((String, String, Int64, Data, String).self)
        {
            out.append(StoredDocument(identity: IdempotencyKey(office: office, period: period, sequence: sequence),
                                      body: [UInt8](body), receivedAt: received))
        }
        return out
    }
}
