import FieldsyncTesting
import Foundation
import GRDB
import Testing

/// A revision's text is bound from the reconciler's arena, which takes a new buffer
/// beside a full one rather than moving bytes already bound: rows longer than a buffer,
/// between short ones, are stored byte for byte, each with its own line.
@Suite("Text bound from the arena")
struct BindArenaTests {
    @Test("Long and short rows in turn are stored exactly", arguments: [1, 2000])
    func longAndShort(noteCharacters: Int) throws {
        let site = try TestSite()
        // 人 is three bytes: 2,000 of them fill more than one 4 KiB buffer.
        let long = String(repeating: "人", count: noteCharacters)
        let lines = (0 ..< 6).map { i in
            let id = i % 2 == 0 ? "s-\(i)-" + String(repeating: "x", count: 150) : "s-\(i)"
            let note = i % 2 == 0 ? long : "短"
            return #"{"id": "\#(id)", "kind": "report", "period": "2026", "unit": "shouning", "indicator": "siren.fixed", "value": \#(i), "observed_at": "2026-11-20", "note": "\#(note)", "by": "clerk-\#(i)"}"#
        }
        let outcome = try site.ingest("shouning", "mixed.jsonl", lines.joined(separator: "\n") + "\n")
        #expect(outcome.receipt?.counts.imported == 6, "\(outcome.problems)")
        let rows = try site.store.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT record_id, value, note, by, location FROM revision ORDER BY location")
        }
        #expect(rows.count == 6)
        for (i, row) in rows.enumerated() {
            let id: String = row[0], value: String = row[1], note: String = row[2], by: String = row[3], location: String = row[4]
            #expect(id == (i % 2 == 0 ? "s-\(i)-" + String(repeating: "x", count: 150) : "s-\(i)"))
            #expect(value == "\(i)")
            #expect(note == (i % 2 == 0 ? long : "短"))
            #expect(by == "clerk-\(i)")
            #expect(location == "line \(i + 1)")
        }
    }
}
