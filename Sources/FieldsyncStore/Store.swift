import CSQLiteTuning
import Foundation
import GRDB

/// The local SQLite store under `state_dir`: the ledger of files, every revision of
/// every record, and (with delivery) the outbox.
///
/// WAL mode (GRDB's `DatabasePool`) lets `scores` and `status` read while the daemon
/// writes. `synchronous = FULL` because the store is the only copy once a drop file is
/// removed: with GRDB's default NORMAL, a power cut may lose the last commits after the
/// file is already gone.
public final class Store: Sendable {
    public let writer: any DatabaseWriter
    /// The database file; nil for an in-memory store (dry runs without a state dir).
    public let path: String?

    init(writer: any DatabaseWriter, path: String?) {
        self.writer = writer
        self.path = path
    }

    /// Opens (creating if needed) `directory/fieldsync.sqlite` and brings its schema up
    /// to date.
    public static func open(directory: String) throws -> Store {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o750])
        let path = databasePath(directory: directory)
        let pool = try DatabasePool(path: path, configuration: configuration())
        // The pool turns WAL on for its writer after `prepareDatabase` ran, and sets
        // `synchronous = NORMAL` as it does so: FULL again, on the writer, now.
        try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
        try migrator.migrate(pool)
        return Store(writer: pool, path: path)
    }

    /// Checkpoints the WAL into the database file and closes the store's connections:
    /// a command leaves a database file that holds everything committed.
    ///
    /// Explicitly, because SQLite's own checkpoint at the last close never runs here:
    /// GRDB closes the pool's writer before its readers, and a reader cannot. Passive:
    /// it never waits for another process reading the store (`status`, `scores`); what
    /// a reader still needs stays in the WAL for the next checkpoint.
    public func close() throws {
        if writer is DatabasePool {
            try writer.writeWithoutTransaction { _ = try $0.checkpoint(.passive) }
        }
        try writer.close()
    }

    /// The database file of the store in `directory`.
    public static func databasePath(directory: String) -> String { directory + "/fieldsync.sqlite" }

    /// A throw-away store in memory with the same schema.
    public static func inMemory() throws -> Store {
        let queue = try DatabaseQueue(configuration: configuration())
        try migrator.migrate(queue)
        return Store(writer: queue, path: nil)
    }

    /// Done once, before the first connection of the process opens.
    private static let tuned: Void = { _ = fs_sqlite_prefer_multithread() }()

    static func configuration() -> Configuration {
        _ = tuned
        var config = Configuration()
        config.busyMode = .timeout(15)
        config.prepareDatabase { db in
            // Outside any transaction, on every connection (a reader that closes last
            // checkpoints). The pool's writer needs it once more: see `open`.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // Only a new, empty database takes it (before WAL is turned on); stores
            // created with 4 KiB pages keep them.
            try db.execute(sql: "PRAGMA page_size = 16384")
        }
        return config
    }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1: ledger and revisions") { db in
            // The ledger: one row per file handled (accepted, duplicate or rejected).
            try db.execute(sql: """
                CREATE TABLE file (
                    id INTEGER PRIMARY KEY,
                    sha256 TEXT NOT NULL,
                    source TEXT NOT NULL,
                    name TEXT NOT NULL,
                    size INTEGER NOT NULL,
                    received_at INTEGER NOT NULL,
                    outcome TEXT NOT NULL CHECK (outcome IN ('accepted', 'duplicate', 'rejected')),
                    finished INTEGER NOT NULL DEFAULT 0,
                    records INTEGER NOT NULL DEFAULT 0,
                    imported INTEGER NOT NULL DEFAULT 0,
                    updated INTEGER NOT NULL DEFAULT 0,
                    ignored INTEGER NOT NULL DEFAULT 0,
                    retracted INTEGER NOT NULL DEFAULT 0,
                    problems INTEGER NOT NULL DEFAULT 0,
                    first_problem TEXT,
                    archive TEXT
                );
                CREATE UNIQUE INDEX file_accepted_sha256 ON file(sha256) WHERE outcome = 'accepted';
                CREATE INDEX file_source ON file(source, outcome);

                -- Every revision ever accepted, with the file and place it came from.
                CREATE TABLE revision (
                    record_id TEXT NOT NULL,
                    revision INTEGER NOT NULL,
                    file_id INTEGER NOT NULL REFERENCES file(id),
                    location TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    action TEXT NOT NULL,
                    period TEXT NOT NULL,
                    unit TEXT NOT NULL,
                    indicator TEXT,
                    value TEXT,
                    deduction TEXT,
                    score TEXT,
                    respondents INTEGER,
                    observed_at INTEGER NOT NULL,
                    note TEXT,
                    by TEXT,
                    -- 1 for the highest revision of each id: the one in force.
                    in_force INTEGER NOT NULL,
                    PRIMARY KEY (record_id, revision)
                ) WITHOUT ROWID;
                CREATE INDEX revision_in_force ON revision(period) WHERE in_force = 1;
                """)
        }
        m.registerMigration("v2: outbox") { db in
            // One row per scores document generated (SPEC §6-§7).
            try db.execute(sql: """
                CREATE TABLE outbox (
                    period TEXT NOT NULL,
                    sequence INTEGER NOT NULL,
                    content_sha256 TEXT NOT NULL,
                    document BLOB NOT NULL,
                    created_at INTEGER NOT NULL,
                    state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'dead', 'superseded')),
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at INTEGER,
                    delivered_at INTEGER,
                    last_status INTEGER,
                    last_error TEXT,
                    PRIMARY KEY (period, sequence)
                );
                CREATE INDEX outbox_pending ON outbox(state, next_attempt_at);
                CREATE TABLE attempt (
                    id INTEGER PRIMARY KEY,
                    period TEXT NOT NULL,
                    sequence INTEGER NOT NULL,
                    at INTEGER NOT NULL,
                    status INTEGER,
                    error TEXT,
                    next_attempt_at INTEGER
                );
                CREATE INDEX attempt_doc ON attempt(period, sequence);
                """)
        }
        m.registerMigration("v3: one head per id") { db in
            // The store itself now guarantees one revision in force per id, and the
            // reconciler relies on it: a new id is one insert, refused by this index
            // when the id is already known. The index by period goes: on a large file
            // it cost a tenth of the intake, and reading a period's current values
            // scans the heads instead (tens of milliseconds at 200,000; a city's year
            // is a few thousand records).
            try db.execute(sql: """
                DROP INDEX revision_in_force;
                CREATE UNIQUE INDEX revision_head ON revision(record_id) WHERE in_force = 1;
                """)
        }
        m.registerMigration("v4: accepted bytes per source") { db in
            // The same bytes are a re-drop only from the source that dropped them: from
            // another, they are that source's file, checked on their own (and a county
            // learns nothing of another's file names).
            try db.execute(sql: """
                DROP INDEX file_accepted_sha256;
                CREATE UNIQUE INDEX file_accepted_sha256 ON file(source, sha256) WHERE outcome = 'accepted';
                """)
        }
        return m
    }
}
