import FieldsyncModel
import FieldsyncTesting
import Foundation
import Testing

/// SPEC §4.1, a record `based_on` a revision (what a fill-in workbook's rows carry),
/// outside a workbook: it becomes the next revision only while what it was based on is
/// in force; with no saved time to order copies by, a second change from the same basis
/// is refused rather than guessed.
@Suite("Records based on a revision")
struct BasisTests {
    static func report(_ value: String, basedOn: String, revision: String? = nil) -> String {
        #"{"id": "s-1", "kind": "report", "period": "2026", "unit": "shouning", "indicator": "siren.fixed", "value": \#(value), "observed_at": "2026-11-20", "based_on": \#(basedOn)\#(revision.map { #", "revision": \#($0)"# } ?? "")}"#
    }

    @Test("Based on what is in force: the next revision; the same content again: nothing; an unsaid copy: refused")
    func nextRevision() throws {
        let site = try TestSite()
        #expect(try site.ingest("shouning", "a.json", Self.report("1", basedOn: "0")).receipt?.counts.imported == 1)
        #expect(try site.ingest("shouning", "b.json", Self.report("1", basedOn: "0") + " ").receipt?.counts.ignored == 1)
        #expect(try site.ingest("shouning", "c.json", Self.report("2", basedOn: "1")).receipt?.counts.updated == 1)
        #expect(try site.count("SELECT max(revision) FROM revision WHERE record_id = 's-1'") == 2)
        // Based on 1 again, other content, and no saved time: cannot be told newer than revision 2's copy.
        let unsaid = try site.ingest("shouning", "d.json", Self.report("3", basedOn: "1"))
        #expect(unsaid.problems.contains { $0.en.contains("does not say when it was saved") }, "\(unsaid.problems)")
        #expect(try site.values().evidence["shouning"]?["siren.fixed"]?.report == Exact(2))
    }

    @Test("Refused: a basis the store does not have, a basis beside a revision, a basis that is no whole number",
          arguments: [("5", nil, "which this store does not have"), ("0", "2", "give revision or based_on, not both"),
                      ("-1", nil, "must be a whole number")])
    func refused(basedOn: String, revision: String?, reason: String) throws {
        let site = try TestSite()
        let outcome = try site.ingest("shouning", "a.json", Self.report("1", basedOn: basedOn, revision: revision))
        #expect(outcome.receipt == nil)
        #expect(outcome.problems.contains { $0.en.contains(reason) && $0.field == "based_on" }, "\(outcome.problems)")
    }
}
