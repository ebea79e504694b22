import Foundation
import GRDB
import SQLiteWAL
import Testing

/// The write-ahead log is copied into the database beside the writer, and stays bounded
/// whether or not the checkpointer keeps up — on real SQLite files.
@Suite("WAL checkpoints beside the writer")
struct CheckpointerTests {
    /// A pool on a fresh file in a directory of its own, hooked by a checkpointer.
    struct Database {
        let directory: String
        let pool: DatabasePool
        let checkpointer: Checkpointer

        init(startAt: Int32, writerLimit: Int32) throws {
            directory = NSTemporaryDirectory() + "checkpointer-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let path = directory + "/db.sqlite"
            pool = try DatabasePool(path: path)
            let checkpointer = Checkpointer(path: path, startAt: startAt, writerLimit: writerLimit)
            try pool.writeWithoutTransaction { db in
                checkpointer.install(on: db)
                try db.execute(sql: "CREATE TABLE blob (id INTEGER PRIMARY KEY, bytes BLOB NOT NULL)")
            }
            self.checkpointer = checkpointer
        }

        /// One commit of one 64 KiB row (sixteen 4 KiB pages of log).
        func commit(_ id: Int) throws {
            try pool.write { try $0.execute(sql: "INSERT INTO blob VALUES (?, ?)", arguments: [id, Data(count: 65_536)]) }
        }

        var logBytes: Int {
            ((try? FileManager.default.attributesOfItem(atPath: directory + "/db.sqlite-wal"))?[.size] as? Int) ?? 0
        }

        func remove() {
            checkpointer.close()
            try? pool.close()
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    @Test("Commits past the start leave the checkpoint to the checkpointer, and the log is reused")
    func besideTheWriter() throws {
        let db = try Database(startAt: 64, writerLimit: 1_000_000)
        defer { db.remove() }
        // 12.8 MiB through the log, with a pause (settle) every ten commits, as
        // between a county's files.
        for id in 1 ... 200 {
            try db.commit(id)
            if id % 10 == 0 { db.checkpointer.settle() }
        }
        db.checkpointer.settle()
        #expect(db.checkpointer.counts.inCommit == 0, "no commit checkpointed")
        #expect(db.checkpointer.counts.beside >= 5)
        #expect(db.checkpointer.lastError == nil)
        #expect(db.logBytes < 4 << 20, "the log was reused, not grown to every byte written: \(db.logBytes)")
        let (rows, integrity) = try db.pool.read { conn in
            (try Int.fetchOne(conn, sql: "SELECT count(*) FROM blob"), try String.fetchOne(conn, sql: "PRAGMA integrity_check"))
        }
        #expect(rows == 200)
        #expect(integrity == "ok")
    }

    @Test("Without the checkpointer, the writer checkpoints at its limit: the log stays bounded")
    func writerLimit() throws {
        let db = try Database(startAt: 16, writerLimit: 64)
        defer { db.remove() }
        db.checkpointer.close()  // as if it could not keep up at all
        for id in 1 ... 100 { try db.commit(id) }
        #expect(db.checkpointer.counts.beside == 0)
        #expect(db.checkpointer.counts.inCommit >= 10)
        #expect(db.logBytes < 2 << 20, "\(db.logBytes)")
        #expect(try db.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM blob") } == 100)
    }
}
