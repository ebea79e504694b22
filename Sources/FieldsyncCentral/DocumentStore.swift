import FieldsyncProtocol
import Foundation
import GRDB
import SQLiteWAL
import Synchronization

/// Central's SQLite store of every scores document received, one row per idempotency key.
///
/// A `DatabasePool` in WAL mode: the scoreboard and GET readers never wait for a push
/// being written, and writes are serialised, so two identical pushes racing each other
/// still store one row. "Latest" is not stored; it is the highest sequence of an
/// office and period, so a late older document can never hide a newer one.
public final class DocumentStore: Sendable {
    let pool: DatabasePool
    /// Checkpoints beside the writer: a push's 2xx never waits for one.
    let checkpointer: Checkpointer
    private let stored = Atomic<Int>(0)

    /// Grows each time a document is stored: what was read from the store before is
    /// stale once it has grown.
    public var generation: Int { stored.load(ordering: .acquiring) }

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
        return migrator
    }

    /// Stores `body` under `identity` unless that key is already there.
    ///
    /// Same key and same bytes → `.replayed`; same key, other bytes → `.conflict`;
    /// neither writes anything.
    public func store(_ identity: IdempotencyKey, body: [UInt8], receivedAt: Date = Date()) async throws
        -> StoreOutcome
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
            try db.execute(
                sql: """
                    INSERT INTO document (idempotency_key, office, period, sequence, body, received_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    identity.description, identity.office, identity.period, identity.sequence, bodyData, received,
                ])
            return .stored(becameLatest: highest.map { identity.sequence > $0 } ?? true)
        }
        if case .stored = outcome { stored.add(1, ordering: .releasing) }
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

    /// The latest document of every office and period, by office, then newest period first.
    public func latestDocuments() async throws -> [StoredDocument] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT office, period, MAX(sequence) AS sequence, body, received_at FROM document
                    GROUP BY office, period ORDER BY office, period DESC
                    """
            ).map(Self.document(from:))
        }
    }

    /// How many documents are stored, for one office and period or (both nil) in all.
    public func documentCount(office: String? = nil, period: String? = nil) async throws -> Int {
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
