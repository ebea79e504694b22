@testable import FieldsyncDelivery
import FieldsyncProtocol
import FieldsyncStore
import Foundation
import GRDB
import Testing

/// The outbox as stores before v7 kept it — each document inline in its row — is
/// migrated without losing a byte or a state.
@Suite("Outbox migrations")
struct OutboxMigrationTests {
    @Test("v7 moves every document to a table of its own; what was due is still due, byte for byte")
    func documentsApart() throws {
        let directory = NSTemporaryDirectory() + "fieldsync-outbox-v7-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let documents: [(sequence: Int, state: String, bytes: [UInt8])] = [
            (1, "delivered", Array(#"{"sequence":1}"#.utf8)),
            (2, "superseded", Array(#"{"sequence":2,"name":"寿宁县"}"#.utf8)),
            (3, "pending", [UInt8](repeating: 0x20, count: 300_000) + Array(#"{"sequence":3}"#.utf8)),
        ]
        let before = try Store.open(directory: directory, migrations: [Outbox.migration, Outbox.changesMigration])
        try before.writer.write { db in
            for d in documents {
                try db.execute(sql: """
                    INSERT INTO outbox (period, sequence, content_sha256, document, created_at, state, next_attempt_at)
                    VALUES ('2026', ?, ?, ?, 0, ?, 0)
                    """, arguments: [d.sequence, "sha-\(d.sequence)", Data(d.bytes), d.state])
            }
        }
        try before.close()

        let after = try Store.open(directory: directory, migrations: Outbox.migrations)
        defer { try? after.close() }
        try after.writer.read { db in
            let columns = try db.columns(in: "outbox").map(\.name)
            #expect(!columns.contains("document"), "\(columns)")
            for d in documents {
                let stored = try Data.fetchOne(db, sql: "SELECT document FROM outbox_document WHERE period = '2026' AND sequence = ?",
                                               arguments: [d.sequence])
                #expect(stored.map(Array.init) == d.bytes, "document \(d.sequence)")
                #expect(try String.fetchOne(db, sql: "SELECT state FROM outbox WHERE sequence = ?", arguments: [d.sequence]) == d.state)
            }
            let due = try Outbox.due(db, now: Timestamp(microseconds: 1))
            #expect(due.map(\.sequence) == [3])
            #expect(due.first?.document == documents[2].bytes)
        }
    }
}
