import FieldsyncDelivery
import FieldsyncProtocol
import FieldsyncScoring
import FieldsyncTesting
import Foundation
import Testing

/// The trend a report draws (SPEC §6, schema 2): every scored sequence's totals are
/// kept as it is staged — with `[push]` or without — and every later document of the
/// period carries them; they are not part of the content, so they never make a new
/// sequence due by themselves.
@Suite("The trend of scored sequences")
struct TrendTests {
    static func report(_ id: String, value: String) -> String {
        #"{"id": "\#(id)", "kind": "report", "period": "2026", "unit": "shouning", "indicator": "siren.fixed", "value": \#(value), "observed_at": "2026-11-20"}"#
    }

    @Test("Each sequence's totals, oldest first, in every later document; nothing changed, nothing staged",
          arguments: [nil, "http://127.0.0.1:9/api/fieldsync/v1/scores"])
    func trend(push: String?) throws {
        let site = try TestSite(push: push)
        #expect(try site.ingest("shouning", "a.json", Self.report("s-1", value: "0")).receipt != nil)
        #expect(try site.instance.stageChanged().map(\.sequence) == [1])
        #expect(try site.ingest("shouning", "b.json", Self.report("s-2", value: "2")).receipt != nil)
        let second = try site.instance.stageChanged()
        #expect(second.map(\.sequence) == [2])
        // Scored again with nothing changed: the trend of sequence 2 makes no sequence 3.
        try site.store.writer.write { try Outbox.noteChanges($0, periods: ["2026"], at: .now()) }
        #expect(try site.instance.stageChanged().isEmpty)

        let document = try JSONParser.parse(second[0].document)
        guard case .array(let points)? = document["trend"] else { Issue.record("no trend"); return }
        #expect(points.map { $0["sequence"] } == [.number("1"), .number("2")])
        let totals = points.map { $0["units"]?["shouning"] }
        #expect(totals[1] == document["units"].flatMap { units -> JSONValue? in
            guard case .array(let list) = units else { return nil }
            return list.first { $0["unit"] == .string("shouning") }?["total"]
        })
        #expect(totals[0] != totals[1], "the siren count moved the total: \(totals)")
        // What `scores` and `report` read is that staged document, byte for byte.
        let snapshot = try Outbox.snapshot(store: site.store, office: site.setup.config.office, scheme: site.setup.schemes["2026"]!)
        #expect(snapshot.sequence == 2)
        #expect(snapshot.document == document)
    }

    @Test("Without [push] only the newest document is kept; the trend keeps every sequence's totals")
    func withoutPushOnlyTheNewestDocument() throws {
        let site = try TestSite()
        for (n, value) in ["0", "1", "2"].enumerated() {
            #expect(try site.ingest("shouning", "\(n).json", Self.report("s-\(n)", value: value)).receipt != nil)
            _ = try site.instance.stageChanged()
        }
        #expect(try site.count("SELECT count(*) FROM outbox_document") == 1)
        #expect(try site.count("SELECT count(*) FROM scored_total") == 3)
    }

    @Test("A long year's trend keeps the first, the last and evenly spaced points between", arguments: [0, 1, 30, 31, 100, 5000])
    func thinning(count: Int) {
        let kept = RenderedScores.trendIndices(count: count)
        #expect(kept.count == min(count, Limits.trendPoints))
        #expect(kept.first == (count > 0 ? 0 : nil))
        #expect(kept.last == (count > 0 ? count - 1 : nil))
        #expect(zip(kept, kept.dropFirst()).allSatisfy { $0 < $1 })
    }
}
