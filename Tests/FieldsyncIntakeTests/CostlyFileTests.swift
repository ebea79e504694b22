import FieldsyncIntake
import FieldsyncModel
import FieldsyncProtocol
import FieldsyncTesting
import Foundation
import Testing

/// Files built to cost the daemon more than they hold: each is answered like any bad
/// file, and what intake keeps of it while reading stays small — problems beyond the
/// first thousand are counted, a JSON record is held one at a time and without what a
/// record cannot hold, a CSV line's fields beyond a record's are not kept.
@Suite("Files that would cost more than they hold")
struct CostlyFileTests {
    static let header = "id,kind,period,unit,indicator,value,observed_at\n"

    @Test("Problems beyond the first thousand are counted, not kept")
    func manyBadLines() throws {
        let site = try TestSite()
        let text = Self.header + String(repeating: "x\n", count: 3000)
        let outcome = try site.ingest("inspectors", "junk.csv", text)
        guard case .rejected(let problems) = outcome else {
            Issue.record("accepted: \(outcome)")
            return
        }
        #expect(problems.listed.count == Problems.kept)
        #expect(problems.count > 3000)
        #expect(problems.listed.first?.location == .line(2))
        let errors = try #require(site.read(site.rejectedPath("inspectors", "junk.csv.errors.txt")))
        let lines = errors.split(separator: "\n")
        #expect(lines.count == Problems.kept + 1)
        #expect(lines.last?.contains("\(problems.unlisted) more problems not listed") == true, "\(lines.last ?? "")")
    }

    @Test("A problem of the whole file found last still comes first")
    func fileProblemFoundLast() {
        var problems = Problems()
        for line in 1 ... Problems.kept + 10 {
            problems.append(Problem(.line(line), zh: "坏", en: "bad"))
        }
        problems.append(Problem(.file, zh: "编码错误", en: "not UTF-8"))
        #expect(problems.listed.first?.en == "not UTF-8")
        #expect(problems.listed.count == Problems.kept)
        #expect(problems.count == Problems.kept + 11)
    }

    @Test("Problems found out of order are listed in file order")
    func outOfOrder() {
        var problems = Problems()
        problems.append(Problem(.line(9), zh: "九", en: "nine"))
        problems.append(Problem(.line(3), zh: "三", en: "three"))
        problems.append(Problem(.file, zh: "文件", en: "file"))
        #expect(problems.listed.map(\.en) == ["file", "three", "nine"])
    }

    @Test("A JSON array of twenty thousand non-records is rejected, its problems counted")
    func arrayOfNumbers() throws {
        let site = try TestSite()
        let text = "[" + Array(repeating: "0", count: 20_000).joined(separator: ",") + "]"
        let problems = try site.ingest("inspectors", "zeros.json", text).problems
        #expect(problems.count == Problems.kept)
        #expect(problems.first?.en.contains("must be a JSON object") == true)
    }

    @Test("A record holding a large array costs the array's syntax, and says the field must be one value")
    func nestedArray() throws {
        let site = try TestSite()
        let big = "[" + Array(repeating: "[1,{\"a\":2}]", count: 20_000).joined(separator: ",") + "]"
        let text = #"{"id": "sn-1", "kind": "report", "period": "2026", "unit": "shouning", "indicator": "siren.fixed", "value": \#(big), "observed_at": "2026-11-20"}"#
        for (name, body) in [("nested.json", text), ("nested.jsonl", text + "\n")] {
            let problems = try site.ingest("shouning", name, body).problems
            #expect(problems.contains { $0.field == "value" && $0.en.contains("single value") }, "\(name): \(problems)")
        }
    }

    @Test("A JSON record of more fields than any record has is refused at the field that is one too many")
    func tooManyMembers() throws {
        let site = try TestSite()
        let members = (0 ... Limits.recordFields).map { "\"f\($0)\": 1" }.joined(separator: ", ")
        let problems = try site.ingest("shouning", "wide.json", "{\(members)}").problems
        #expect(problems.first?.en.contains("at most \(Limits.recordFields) fields") == true, "\(problems)")
    }

    @Test("A CSV line with more fields than a record has is refused; Excel's empty trailing columns are not")
    func wideLines() throws {
        let site = try TestSite()
        let wide = Self.header + "sn-1,report,2026,shouning,siren.fixed,1,2026-11-20," + Array(repeating: "x", count: 70).joined(separator: ",") + "\n"
        let problems = try site.ingest("shouning", "wide.csv", wide).problems
        #expect(problems.first?.en.contains("more than \(Limits.recordFields) fields") == true, "\(problems)")

        let trailing = String(repeating: ",", count: 200)
        let excel = Self.header.dropLast() + trailing + "\n" + "sn-2,report,2026,shouning,siren.fixed,1,2026-11-20" + trailing + "\n"
        #expect(try site.ingest("shouning", "excel.csv", String(excel)).receipt?.counts.imported == 1)
    }
}
