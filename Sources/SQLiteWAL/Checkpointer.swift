import Dispatch
import GRDB
import GRDBSQLite
import Synchronization

/// Runs SQLite's WAL checkpoints beside the writer instead of inside its commits.
///
/// By default SQLite checkpoints at the end of the commit that takes the write-ahead log
/// past 1,000 pages: that commit — and whoever waits for it, a clerk's receipt, an
/// office's 2xx — waits while the log is copied into the database file and the file is
/// flushed to disk. With a scores document of close to a megabyte per change, that was
/// every fifteenth change, and a quarter of the change-to-central time at the 99th
/// percentile.
///
/// Here a commit only notes how long the log is (SQLite's WAL hook, which replaces the
/// automatic checkpoint), and a connection of the checkpointer's own copies the log
/// passively on a queue of its own. A passive checkpoint takes no lock that the writer or
/// a reader waits for, and it flushes as SQLite's own does, so nothing is less durable.
/// Should it fall behind — a reader holding an old snapshot keeps the log from being
/// reused — the writer checkpoints as SQLite would once the log passes `writerLimit`
/// pages, so the log stays bounded.
public final class Checkpointer: Sendable {
    /// The database file.
    public let path: String
    /// Log pages after which a checkpoint is started beside the writer (SQLite's own
    /// automatic checkpoint threshold).
    public let startAt: Int32
    /// Log pages after which the writer checkpoints itself, in its commit.
    public let writerLimit: Int32

    private let queue = DispatchQueue(label: "fieldsync.wal-checkpoint")
    private let state = Mutex(State())

    private struct State {
        var scheduled = false
        var closed = false
        /// Opened at the first checkpoint; its own connection, used on `queue` only.
        var connection: DatabaseQueue?
        var counts = Counts()
        var lastError: String?
    }

    /// How many checkpoints ran, and where.
    public struct Counts: Sendable, Equatable {
        /// Beside the writer, on the checkpointer's connection.
        public var beside = 0
        /// In a commit, because the log passed `writerLimit`.
        public var inCommit = 0
    }

    public init(path: String, startAt: Int32 = 1000, writerLimit: Int32 = 16_384) {
        self.path = path
        self.startAt = startAt
        self.writerLimit = max(startAt, writerLimit)
    }

    public var counts: Counts { state.withLock { $0.counts } }

    /// The last checkpoint's failure, if it failed (a checkpoint that fails is tried
    /// again after the next commit; the writer's limit still holds).
    public var lastError: String? { state.withLock { $0.lastError } }

    /// Hooks the writer's connection: from now on its commits note the log's length and
    /// no longer checkpoint below `writerLimit`. Call once, in the writer's access.
    ///
    /// The hook holds the checkpointer weakly, through a small box that stays with the
    /// connection (a few bytes per store opened): a connection that outlives the
    /// checkpointer checkpoints in its commits at SQLite's own threshold, as if never
    /// hooked.
    public func install(on db: Database) {
        let box = Unmanaged.passRetained(HookBox(self)).toOpaque()
        _ = sqlite3_wal_hook(db.sqliteConnection, walHook, box)
    }

    /// Waits for a checkpoint under way, then closes the checkpointer's connection; later
    /// commits are left to the writer's limit.
    public func close() {
        state.withLock { $0.closed = true }
        queue.sync {}
        let connection = state.withLock { s -> DatabaseQueue? in
            defer { s.connection = nil }
            return s.connection
        }
        try? connection?.close()
    }

    /// Runs whatever checkpoint is scheduled, then returns: for tests and for a caller
    /// about to read the database file alone.
    public func settle() {
        queue.sync {}
    }

    /// From the hook, in the writer's commit: `pages` is the log's length now.
    fileprivate func committed(_ db: OpaquePointer?, schema: UnsafePointer<CChar>?, pages: Int32) {
        if pages >= writerLimit {
            _ = sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
            state.withLock { $0.counts.inCommit += 1 }
            return
        }
        guard pages >= startAt else { return }
        let schedule = state.withLock { s -> Bool in
            guard !s.scheduled, !s.closed else { return false }
            s.scheduled = true
            return true
        }
        if schedule { queue.async { self.checkpoint() } }
    }

    private func checkpoint() {
        // Cleared first: a commit while this one runs schedules the next.
        let (closed, connection) = state.withLock { s -> (Bool, DatabaseQueue?) in
            s.scheduled = false
            return (s.closed, s.connection)
        }
        if closed { return }
        do {
            let db = try connection ?? open()
            _ = try db.writeWithoutTransaction { try $0.checkpoint(.passive) }
            state.withLock {
                $0.counts.beside += 1
                $0.lastError = nil
            }
        } catch {
            state.withLock { $0.lastError = "\(error)" }
        }
    }

    private func open() throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.label = "wal-checkpoint"
        // A passive checkpoint never waits for a lock; nothing here should either.
        configuration.busyMode = .immediateError
        let connection = try DatabaseQueue(path: path, configuration: configuration)
        state.withLock { $0.connection = connection }
        return connection
    }
}

/// What the hook's context points at: the checkpointer, weakly, so that a connection
/// never keeps it alive nor calls into one that is gone.
private final class HookBox: @unchecked Sendable {
    // @unchecked: `checkpointer` is set once, at init; weak loads are atomic.
    weak var checkpointer: Checkpointer?
    init(_ checkpointer: Checkpointer) { self.checkpointer = checkpointer }
}

/// SQLite's WAL hook: called after each commit with the log's length in pages.
private let walHook: @convention(c) (UnsafeMutableRawPointer?, OpaquePointer?, UnsafePointer<CChar>?, Int32) -> Int32 = {
    context, db, schema, pages in
    guard let context else { return SQLITE_OK }
    let box = Unmanaged<HookBox>.fromOpaque(context).takeUnretainedValue()
    if let checkpointer = box.checkpointer {
        checkpointer.committed(db, schema: schema, pages: pages)
    } else if pages >= 1000 {
        // The checkpointer is gone: SQLite's own rule.
        _ = sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
    }
    return SQLITE_OK
}
