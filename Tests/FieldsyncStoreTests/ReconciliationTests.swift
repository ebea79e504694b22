@testable import FieldsyncDaemon
@testable import FieldsyncDelivery
@testable import FieldsyncModel
@testable import FieldsyncProtocol
@testable import FieldsyncScoring
@testable import FieldsyncStore
import FieldsyncTesting
import Foundation
import GRDB
import XCTest

/// SPEC §4.1: revisions, retraction, id hijack, conflicting content, ordering.
final class ReconciliationTests: XCTestCase {
    func report(_ id: String, unit: String = "shouning", indicator: String = "siren.fixed", value: String,
                at: String = "2026-11-20", revision: Int = 1, action: String = "upsert", kind: String = "report") -> String {
        #"{"id": "\#(id)", "kind": "\#(kind)", "period": "2026", "unit": "\#(unit)", "indicator": "\#(indicator)", "value": \#(value), "observed_at": "\#(at)", "revision": \#(revision), "action": "\#(action)"}"#
    }

    func testHigherRevisionUpdatesLowerRevisionLaterIsIgnored() throws {
        let site = try TestSite()
        XCTAssertEqual(try site.ingest("shouning", "r1.json", report("s-1", value: "1")).receipt?.counts.imported, 1)
        XCTAssertEqual(try site.ingest("shouning", "r3.json", report("s-1", value: "2", revision: 3)).receipt?.counts.updated, 1)
        let late = try site.ingest("shouning", "r2.json", report("s-1", value: "0", revision: 2)).receipt
        XCTAssertEqual(late?.counts.ignored, 1)
        XCTAssertEqual(late?.counts.updated, 0)
        XCTAssertEqual(try site.values().evidence(unit: "shouning", indicator: "siren.fixed").report, Exact(2))
        // Every revision is kept, with its file, for the audit trail.
        XCTAssertEqual(try site.count("SELECT count(*) FROM revision WHERE record_id = 's-1'"), 3)
        XCTAssertEqual(try site.count("SELECT count(DISTINCT file_id) FROM revision WHERE record_id = 's-1'"), 3)
    }

    func testSameRevisionSameContentIsANoOpOtherContentIsRefused() throws {
        let site = try TestSite()
        _ = try site.ingest("shouning", "a.json", report("s-1", value: "1"))
        // Same content in a different file (other bytes: other whitespace).
        let same = try site.ingest("shouning", "b.json", " " + report("s-1", value: "1.0"))
        XCTAssertEqual(same.receipt?.counts.ignored, 1, "\(same.problems)")
        let other = try site.ingest("shouning", "c.json", report("s-1", value: "2"))
        XCTAssertEqual(other.problems.count, 1)
        XCTAssertTrue(other.problems[0].en.contains("revision 1 of s-1 already recorded with other content"), other.problems[0].en)
    }

    func testAnIdCannotBeHijackedByAnotherOffice() throws {
        let site = try TestSite()
        _ = try site.ingest("shouning", "a.json", report("shared-id", value: "2"))
        let hijack = try site.ingest("fuan", "b.json", report("shared-id", unit: "fuan", value: "0", revision: 2))
        XCTAssertEqual(hijack.problems.first?.field, "id")
        XCTAssertTrue(hijack.problems.first?.en.contains("may not change kind, period or unit") ?? false)
        XCTAssertEqual(try site.values().evidence(unit: "shouning", indicator: "siren.fixed").report, Exact(2))
        XCTAssertNil(try site.values().evidence(unit: "fuan", indicator: "siren.fixed").report)
    }

    func testRetractionWithdrawsTheRecord() throws {
        let site = try TestSite()
        _ = try site.ingest("shouning", "a.json", report("s-1", value: "2"))
        let retract = #"{"id": "s-1", "kind": "report", "period": "2026", "unit": "shouning", "observed_at": "2026-11-22", "revision": 2, "action": "retract"}"#
        XCTAssertEqual(try site.ingest("shouning", "b.json", retract).receipt?.counts.retracted, 1)
        XCTAssertNil(try site.values().evidence(unit: "shouning", indicator: "siren.fixed").report)
        XCTAssertEqual(try site.scoreboard().unit("shouning")?.indicator("siren.fixed")?.source, ValueSource.none)
    }

    func testLatestObservationWinsNotLatestArrival() throws {
        let site = try TestSite()
        _ = try site.ingest("shouning", "new.json", report("s-new", value: "2", at: "2026-11-25T10:00:00+08:00"))
        // An older observation under another id arrives later: it does not win.
        _ = try site.ingest("shouning", "old.json", report("s-old", value: "1", at: "2026-11-25T01:00:00Z"))
        XCTAssertEqual(try site.values().evidence(unit: "shouning", indicator: "siren.fixed").report, Exact(2))
    }

    func testSpotCheckBeatsReportAndFlagsADiscrepancy() throws {
        let site = try TestSite()
        _ = try site.ingest("shouning", "r.json", report("s-1", value: "2"))
        _ = try site.ingest("inspectors", "c.json", report("c-1", value: "1", kind: "spotcheck"))
        let board = try site.scoreboard()
        let siren = try XCTUnwrap(board.unit("shouning")?.indicator("siren.fixed"))
        XCTAssertEqual(siren.source, .spotcheck)
        XCTAssertEqual(siren.value, Exact(1))
        XCTAssertTrue(siren.discrepancy)
        XCTAssertEqual(board.unit("shouning")?.deductions, Exact(1))
    }

    func testRevisionsOfOneIdWithinOneFile() throws {
        let site = try TestSite()
        let lines = [
            report("s-1", value: "1"),
            report("s-1", value: "1"),  // the same revision again: a no-op
            report("s-1", value: "2", revision: 2),
            report("s-2", value: "2", revision: 2),
            report("s-2", value: "1"),  // an older revision after a newer one
        ]
        let receipt = try XCTUnwrap(try site.ingest("shouning", "in-file.jsonl", lines.joined(separator: "\n")).receipt)
        XCTAssertEqual([receipt.counts.imported, receipt.counts.updated, receipt.counts.ignored], [2, 1, 2])
        XCTAssertEqual(try site.count("SELECT count(*) FROM revision"), 4)
        XCTAssertEqual(try site.count("SELECT count(*) FROM revision WHERE in_force = 1"), 2)
        XCTAssertEqual(try site.count("SELECT revision FROM revision WHERE record_id = 's-2' AND in_force = 1"), 2)
        // Content conflicts inside one file are refused like any other, and the file with them.
        let conflict = try site.ingest("shouning", "conflict.jsonl", [report("s-3", value: "1"), report("s-3", value: "2")].joined(separator: "\n"))
        XCTAssertEqual(conflict.problems.map(\.field), ["revision"])
        XCTAssertEqual(try site.count("SELECT count(*) FROM revision WHERE record_id = 's-3'"), 0)
    }

    /// The store refuses a second revision in force for an id, whatever writes to it:
    /// the reconciler counts on that to find known ids with one insert.
    func testTheStoreHoldsOneHeadPerId() throws {
        let site = try TestSite()
        _ = try site.ingest("shouning", "a.json", report("s-1", value: "1"))
        XCTAssertThrowsError(try site.store.writer.write { db in
            try db.execute(sql: """
                INSERT INTO revision_current (record_id, revision, file_id, location, kind, action, period, unit, observed_at)
                SELECT record_id, 2, file_id, location, kind, action, period, unit, observed_at FROM revision_current
                """)
        }) { error in
            XCTAssertEqual((error as? DatabaseError)?.resultCode, .SQLITE_CONSTRAINT, "\(error)")
        }
    }

    /// A store written before migration v3 (index by period, heads kept by the code
    /// alone) takes every step since — the index of heads, then the revisions in force
    /// apart — keeps every revision, and goes on reconciling.
    func testAStoreFromBeforeTheHeadIndexIsMigrated() throws {
        let dir = NSTemporaryDirectory() + "fieldsync-v2-" + UUID().uuidString.prefix(8)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        do {
            let old = try DatabaseQueue(path: dir + "/fieldsync.sqlite")
            // The schema steps as a store before v3 had them, in that order.
            var before = DatabaseMigrator()
            before.registerMigration("v1: ledger and revisions") { db in
                try Ledger.createTable(db)
                try Revisions.createTable(db)
            }
            before.registerMigration("v2: outbox", migrate: Outbox.migration.migrate)
            try before.migrate(old)
            try old.write { db in
                try db.execute(sql: """
                    INSERT INTO file (id, sha256, source, name, size, received_at, outcome) VALUES (1, 'x', 'shouning', 'old.json', 1, 0, 'accepted');
                    INSERT INTO revision (record_id, revision, file_id, location, kind, action, period, unit, indicator, value, observed_at, in_force)
                    VALUES ('s-1', 1, 1, 'line 1', 'report', 'upsert', '2026', 'shouning', 'siren.fixed', '1', 0, 0),
                           ('s-1', 2, 1, 'line 2', 'report', 'upsert', '2026', 'shouning', 'siren.fixed', '2', 0, 1);
                    """)
            }
        }
        let store = try Instance.openStore(directory: dir)
        // v3 gave it the index of heads, v12 the revisions in force apart (and `revision` as a view).
        let kinds = try store.writer.read {
            try Row.fetchAll($0, sql: "SELECT name, type FROM sqlite_master WHERE name LIKE 'revision%' AND type IN ('table', 'view', 'index')")
                .map { "\($0[0] as String):\($0[1] as String)" }.sorted()
        }
        XCTAssertEqual(kinds, ["revision:view", "revision_current:table", "revision_past:table"])
        XCTAssertEqual(try store.writer.read { try String.fetchAll($0, sql: "SELECT record_id || '@' || revision FROM revision_past") }, ["s-1@1"])
        let changes = try store.writer.write { db -> [Change] in
            var reconciler = try Reconciler(db: db, fileID: 1)
            let at = Timestamp(microseconds: 1)
            return try [
                Record(id: "s-1", revision: 3, kind: .report, period: "2026", unit: "shouning", indicator: "siren.fixed", value: "3", observedAt: at),
                Record(id: "s-2", kind: .report, period: "2026", unit: "shouning", indicator: "siren.fixed", value: "1", observedAt: at),
            ].map { try reconciler.apply($0).get() }
        }
        XCTAssertEqual(changes, [.updated, .imported])
        let heads = try store.writer.read { try String.fetchAll($0, sql: "SELECT record_id || '@' || revision FROM revision WHERE in_force = 1 ORDER BY 1") }
        XCTAssertEqual(heads, ["s-1@3", "s-2@1"])
    }
}
