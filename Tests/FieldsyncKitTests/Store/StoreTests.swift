import Foundation
import GRDB
import XCTest
@testable import FieldsyncKit

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
}
