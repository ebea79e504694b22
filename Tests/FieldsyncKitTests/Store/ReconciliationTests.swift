import Foundation
import XCTest
@testable import FieldsyncKit

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
}
