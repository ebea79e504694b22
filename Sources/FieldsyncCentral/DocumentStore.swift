import FieldsyncProtocol
import Foundation
import GRDB
import SQLiteWAL

/// Central's SQLite store of every scores document received, one row per idempotency
/// key: the ``DocumentStorage`` of a city's receiver, in one file.
///
/// A `DatabasePool` in WAL mode: the scoreboard and GET readers never wait for a push
/// being written, and writes are serialised, so two identical pushes racing each other
/// still store one row. "Latest" is not stored; it is the highest sequence of an
/// office and period, so a late older document can never hide a newer one.
public final class DocumentStore: DocumentStorage {
    let pool: DatabasePool
    /// Checkpoints beside the writer: a push's 2xx never waits for one.
    let checkpointer: Checkpointer

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.label = "fieldsync-central"
        configuration.busyMode = .timeout(10)
        pool = try DatabasePool(path: path, configuration: configuration)
        // A 2xx tells the office the document is delivered, so it must survive a power
        // cut: synchronous = FULL on the writer (the pool sets NORMAL as it opens).
        let checkpointer = Checkpointer(path: path)
        try pool.writeWithoutTransaction {
            try $0.execute(sql: "PRAGMA synchronous = FULL")
            checkpointer.install(on: $0)
        }
        self.checkpointer = checkpointer
        try Self.migrator.migrate(pool)
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: documents") { db in
            try db.execute(
                sql: """
                    CREATE TABLE document (
                        id INTEGER PRIMARY KEY,
                        idempotency_key TEXT NOT NULL UNIQUE,
                        office TEXT NOT NULL,
                        period TEXT NOT NULL,
                        sequence INTEGER NOT NULL CHECK (sequence >= 1),
                        body BLOB NOT NULL,
                        received_at TEXT NOT NULL,
                        UNIQUE (office, period, sequence)
                    );
                    """)
        }
        migrator.registerMigration("v2: who pushed") { db in
            try db.execute(sql: """
                -- The first 16 hex digits of the SHA-256 of the pushing token (never the token).
                ALTER TABLE document ADD COLUMN token_fingerprint TEXT;
                """)
        }
        return migrator
    }

    /// Stores `body` under `identity` unless that key is already there.
    ///
    /// Same key and same bytes → `.replayed`; same key, other bytes → `.conflict`; a
    /// period past `maxPeriods` → `.tooManyPeriods`; none of them writes anything.
    /// SQLite has one writer at a time: deciding in the write transaction is enough.
    public func store(_ identity: IdempotencyKey, body: [UInt8], receivedAt: Date, tokenFingerprint: String?,
                      maxPeriods: Int) async throws -> StoreOutcome
    {
        let received = Timestamp(receivedAt).iso8601Seconds
        let bodyData = Data(body)
        let outcome: StoreOutcome = try await pool.write { db in
            if let existing = try Data.fetchOne(
                db, sql: "SELECT body FROM document WHERE idempotency_key = ?", arguments: [identity.description])
            {
                return existing == bodyData ? .replayed : .conflict
            }
            let highest = try Int64.fetchOne(
                db, sql: "SELECT MAX(sequence) FROM document WHERE office = ? AND period = ?",
                arguments: [identity.office, identity.period])
            if highest == nil, maxPeriods < .max,
               try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT period) FROM document WHERE office = ?",
                                arguments: [identity.office]) ?? 0 >= maxPeriods {
                return .tooManyPeriods
            }
            try db.execute(
                sql: """
                    INSERT INTO document (idempotency_key, office, period, sequence, body, received_at, token_fingerprint)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    identity.description, identity.office, identity.period, identity.sequence, bodyData, received,
                    tokenFingerprint,
                ])
            return .stored(becameLatest: highest.map { identity.sequence > $0 } ?? true)
        }
        return outcome
    }

    /// The highest-sequence document of `office` and `period`, or nil when none arrived.
    public func latest(office: String, period: String) async throws -> StoredDocument? {
        try await pool.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT office, period, sequence, body, received_at FROM document
                    WHERE office = ? AND period = ? ORDER BY sequence DESC LIMIT 1
                    """,
                arguments: [office, period]
            ).map(Self.document(from:))
        }
    }

    public func document(office: String, period: String, sequence: Int64) async throws -> StoredDocument? {
        try await pool.read { db in
            try Row.fetchOne(
                db,
                sql: "SELECT office, period, sequence, body, received_at FROM document WHERE office = ? AND period = ? AND sequence = ?",
                arguments: [office, period, sequence]
            ).map(Self.document(from:))
        }
    }

    public func latestDocuments(skip: Int, offices: Int) async throws -> [StoredDocument] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT office, period, MAX(sequence) AS sequence, body, received_at FROM document
                    WHERE office IN (SELECT DISTINCT office FROM document ORDER BY office LIMIT ? OFFSET ?)
                    GROUP BY office, period ORDER BY office, period DESC
                    """,
                arguments: [min(offices, Int(Int32.max)), skip]
            ).map(Self.document(from:))
        }
    }

    public func offices() async throws -> [OfficeSummary] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT office, COUNT(DISTINCT period) AS periods, MAX(received_at) AS last FROM document
                GROUP BY office ORDER BY office
                """).map { OfficeSummary(office: $0["office"], periods: $0["periods"], lastPushAt: $0["last"]) }
        }
    }

    public func periods(office: String) async throws -> [PeriodSummary] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT period, MAX(sequence) AS latest, COUNT(*) AS sequences, MAX(received_at) AS last FROM document
                WHERE office = ? GROUP BY period ORDER BY period DESC
                """, arguments: [office]).map {
                PeriodSummary(period: $0["period"], latestSequence: $0["latest"], sequences: $0["sequences"], lastPushAt: $0["last"])
            }
        }
    }

    public func sequences(office: String, period: String) async throws -> [SequenceEntry] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT sequence, received_at, token_fingerprint FROM document WHERE office = ? AND period = ? ORDER BY sequence
                """, arguments: [office, period]).map {
                SequenceEntry(sequence: $0["sequence"], receivedAt: $0["received_at"], tokenFingerprint: $0["token_fingerprint"])
            }
        }
    }

    public func changeMark() async throws -> Int64 {
        try await pool.read { db in try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM document") ?? 0 }
    }

    public func documentCount(office: String?, period: String?) async throws -> Int {
        try await pool.read { db in
            try Int.fetchOne(
                db,
                sql: """
                    SELECT COUNT(*) FROM document
                    WHERE (?1 IS NULL OR office = ?1) AND (?2 IS NULL OR period = ?2)
                    """,
                arguments: [office, period]) ?? 0
        }
    }

    /// How many periods an office has documents for.
    public func periodCount(office: String) async throws -> Int {
        try await pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT period) FROM document WHERE office = ?", arguments: [office]) ?? 0
        }
    }

    /// Whether the database answers a trivial query, for `/healthz`.
    public func isHealthy() async -> Bool {
        (try? await pool.read { db in try Int.fetchOne(db, sql: "SELECT 1") }) == 1
    }

    private static func document(from row: Row) -> StoredDocument {
        let body: Data = row["body"]
        return StoredDocument(
            identity: IdempotencyKey(office: row["office"], period: row["period"], sequence: row["sequence"]),
            body: [UInt8](body),
            receivedAt: row["received_at"])
    }
}
