@testable import FieldsyncStore
import FieldsyncTesting
import Foundation
import GRDB
import XCTest

/// The store's durability and layout settings, as SQLite reports them on the
/// connection that writes.
final class StoreTests: XCTestCase {
    func testANewStoreIsWALWithSynchronousFullAnd16KiBPages() throws {
        let dir = NSTemporaryDirectory() + "fieldsync-store-" + UUID().uuidString.prefix(8)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try Store.open(directory: dir)
        let (journal, synchronous, pageSize) = try store.writer.write { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"),
             try Int.fetchOne(db, sql: "PRAGMA page_size"))
        }
        XCTAssertEqual(journal, "wal")
        XCTAssertEqual(synchronous, 2, "PRAGMA synchronous on the writer: 2 is FULL, 1 NORMAL")
        XCTAssertEqual(pageSize, 16384, "a new store is created with 16 KiB pages")
    }

    /// A command closes the store with everything in the database file: a copy of the
    /// file alone, without its WAL, holds what was committed.
    func testClosingCheckpointsTheWAL() throws {
        let dir = NSTemporaryDirectory() + "fieldsync-store-" + UUID().uuidString.prefix(8)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try Store.open(directory: dir)
        try store.writer.write { db in
            try db.execute(sql: "INSERT INTO file (sha256, source, name, size, received_at, outcome) VALUES ('x', 's', 'n', 1, 0, 'accepted')")
        }
        _ = try store.writer.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM file") }  // a reader is open too
        try store.close()
        try FileManager.default.createDirectory(atPath: dir + "/copy", withIntermediateDirectories: false)
        try FileManager.default.copyItem(atPath: dir + "/fieldsync.sqlite", toPath: dir + "/copy/fieldsync.sqlite")
        let copy = try DatabaseQueue(path: dir + "/copy/fieldsync.sqlite")
        XCTAssertEqual(try copy.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM file") }, 1)
    }
}
