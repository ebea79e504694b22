@testable import FieldsyncCentral
import FieldsyncTesting
import Foundation
import GRDB
import XCTest

final class DocumentStoreTests: XCTestCase {
    /// A 2xx means delivered: the row behind it must be on disk at commit.
    func testTheWriterCommitsWithSynchronousFull() throws {
        let path = NSTemporaryDirectory() + "central-" + UUID().uuidString.prefix(8) + ".sqlite"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let store = try DocumentStore(path: path)
        let synchronous = try store.pool.write { try Int.fetchOne($0, sql: "PRAGMA synchronous") }
        XCTAssertEqual(synchronous, 2, "PRAGMA synchronous on the writer: 2 is FULL, 1 NORMAL")
    }
}
