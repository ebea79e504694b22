@testable import FieldsyncCentral
import FieldsyncTesting
import Foundation
import GRDB
import Testing

/// What is particular to central's SQLite store.
@Suite("Central's SQLite store")
struct DocumentStoreTests {
    /// A 2xx means delivered: the row behind it must be on disk at commit.
    @Test("The writer commits with synchronous=FULL")
    func theWriterCommitsWithSynchronousFull() async throws {
        let store = try DocumentStore(path: try await CentralEngine.sqlite.makeDatabase())
        let synchronous = try await store.pool.write { try Int.fetchOne($0, sql: "PRAGMA synchronous") }
        #expect(synchronous == 2, "PRAGMA synchronous on the writer: 2 is FULL, 1 NORMAL")
    }
}
