@testable import FieldsyncDaemon
@testable import FieldsyncDelivery
import FieldsyncTesting
import Foundation
import Testing

/// A document central would refuse for its size is not staged — it would be refused
/// for ever — and `status` says why.
@Suite("The largest document central takes")
struct DocumentSizeTests {
    @Test("Larger than push.max_document_size: not staged, and status says why")
    func oversize() throws {
        let site = try TestSite(push: "http://127.0.0.1:9/api/fieldsync/v1/scores", extraConfig: "max_document_size = \"1KiB\"\n")
        #expect(try site.ingest("shouning", "a.csv", Records.reportsCSV(unit: "shouning", prefix: "a", count: 2)).receipt != nil)
        try site.instance.stageChanged()
        #expect(try site.count("SELECT count(*) FROM outbox") == 0)
        let report = try StatusReport.gather(config: site.setup.config, store: site.store)
        let period = try #require(report.periods.first)
        #expect(period.period == "2026" && period.latestSequence == 0)
        #expect(period.lastError?.contains("more than central takes (1024 bytes, push.max_document_size)") == true,
                "\(String(describing: period.lastError))")
    }

    @Test("Within it: staged as before")
    func withinLimit() throws {
        let site = try TestSite(push: "http://127.0.0.1:9/api/fieldsync/v1/scores")
        #expect(try site.ingest("shouning", "a.csv", Records.reportsCSV(unit: "shouning", prefix: "a", count: 2)).receipt != nil)
        try site.instance.stageChanged()
        #expect(try site.count("SELECT count(*) FROM outbox") == 1)
    }
}
