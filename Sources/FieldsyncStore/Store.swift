import CSQLiteTuning
import Foundation
import GRDB
import SQLiteWAL

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
    /// Checkpoints the WAL beside the writer, so that no commit (a receipt, a staged
    /// document) waits for one; nil in memory.
    public let checkpointer: Checkpointer?

    init(writer: any DatabaseWriter, path: String?, checkpointer: Checkpointer? = nil) {
        self.writer = writer
        self.path = path
        self.checkpointer = checkpointer
    }

    /// Opens (creating if needed) `directory/fieldsync.sqlite` and brings its schema up
    /// to date.
    public static func open(directory: String, migrations: [StoreMigration] = []) throws -> Store {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o750])
        let path = databasePath(directory: directory)
        let pool = try DatabasePool(path: path, configuration: configuration())
        // The pool turns WAL on for its writer after `prepareDatabase` ran, and sets
        // `synchronous = NORMAL` as it does so: FULL again, on the writer, now.
        let checkpointer = Checkpointer(path: path)
        try pool.writeWithoutTransaction {
            try $0.execute(sql: "PRAGMA synchronous = FULL")
            checkpointer.install(on: $0)
        }
        try migrator(migrations).migrate(pool)
        return Store(writer: pool, path: path, checkpointer: checkpointer)
    }

    /// Checkpoints the WAL into the database file and closes the store's connections:
    /// a command leaves a database file that holds everything committed.
    ///
    /// Explicitly, because SQLite's own checkpoint at the last close never runs here:
    /// GRDB closes the pool's writer before its readers, and a reader cannot. Passive:
    /// it never waits for another process reading the store (`status`, `scores`); what
    /// a reader still needs stays in the WAL for the next checkpoint.
    public func close() throws {
        checkpointer?.close()
        if writer is DatabasePool {
            try writer.writeWithoutTransaction { _ = try $0.checkpoint(.passive) }
        }
        try writer.close()
    }

    /// The database file of the store in `directory`.
    public static func databasePath(directory: String) -> String { directory + "/fieldsync.sqlite" }

    /// A throw-away store in memory with the same schema.
    public static func inMemory(migrations: [StoreMigration] = []) throws -> Store {
        let queue = try DatabaseQueue(configuration: configuration())
        try migrator(migrations).migrate(queue)
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

    /// The store's schema history, in order: each step's SQL is its table owner's
    /// (``Ledger`` for `file`, ``Revisions`` for `revision`); `extra` adds the steps of
    /// other owners (delivery's outbox), after these.
    static func migrator(_ extra: [StoreMigration]) -> DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1: ledger and revisions") { db in
            try Ledger.createTable(db)
            try Revisions.createTable(db)
        }
        m.registerMigration("v3: one head per id") { db in try Revisions.indexHeads(db) }
        m.registerMigration("v4: accepted bytes per source") { db in try Ledger.indexAcceptedPerSource(db) }
        m.registerMigration("v5: what is in force") { db in
            try InForce.createTables(db)
            try InForce.rebuild(db, versioned: false)  // v8 makes the versions' table later
        }
        for step in extra { m.registerMigration(step.identifier, migrate: step.migrate) }
        // After the others (delivery's steps were v6 and v7): a store migrated before
        // takes it last.
        m.registerMigration("v8: versions of what is in force") { db in try InForce.createVersions(db) }
        m.registerMigration("v9: what a workbook's row was based on") { db in try Revisions.addBasis(db) }
        m.registerMigration("v11: when files were dropped and answered") { db in try Ledger.addTimes(db) }
        m.registerMigration("v12: the revisions in force apart") { db in try Revisions.separateInForce(db) }
        return m
    }
}
