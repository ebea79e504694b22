@testable import FieldsyncModel
@testable import FieldsyncProtocol
@testable import FieldsyncRecords
import FieldsyncTesting
import Foundation
import GRDB
import XCTest

/// Every accepted format and encoding reaches the store with the same exact values.
final class FormatTests: XCTestCase {
    func testJSONSingleObjectArrayAndWrapper() throws {
        let site = try TestSite()
        let one = #"{"id": "s-1", "kind": "report", "period": "2026", "unit": "shouning", "indicator": "siren.fixed", "value": 1, "observed_at": "2026-11-20"}"#
        XCTAssertEqual(try site.ingest("shouning", "one.json", one).receipt?.counts.imported, 1)
        let array = #"[{"id": "s-2", "kind": "report", "period": "2026", "unit": "shouning", "indicator": "duty.24h", "value": true, "observed_at": "2026-11-20T09:30:00+08:00"}]"#
        XCTAssertEqual(try site.ingest("shouning", "array.json", array).receipt?.counts.imported, 1)
        let wrapper = #"{"records": [{"id": "f-1", "kind": "report", "period": "2026", "unit": "fuan", "indicator": "siren.fixed", "value": 79.99, "observed_at": "2026-11-21"}, {"id": "f-2", "kind": "report", "period": "2026", "unit": "fuan", "indicator": "duty.24h", "value": "是", "observed_at": "2026-11-21"}]}"#
        XCTAssertEqual(try site.ingest("fuan", "wrapped.json", wrapper).receipt?.counts.imported, 2)
        let v = try site.values()
        XCTAssertEqual(v.evidence(unit: "shouning", indicator: "siren.fixed").report, Exact(1))
        XCTAssertEqual(v.evidence(unit: "shouning", indicator: "duty.24h").report, Exact(1))
        // 79.99 stays 79.99: read from its text, never through Double.
        XCTAssertEqual(try site.count("SELECT count(*) FROM revision WHERE value = '79.99'"), 1)
        XCTAssertEqual(v.evidence(unit: "fuan", indicator: "siren.fixed").report, Exact(decimal: "79.99"))
        XCTAssertEqual(v.evidence(unit: "fuan", indicator: "duty.24h").report, Exact(1))
    }

    func testJSONLAndNDJSONSkipBlankLines() throws {
        let site = try TestSite()
        let lines = """
            {"id": "s-1", "kind": "report", "period": "2026", "unit": "shouning", "indicator": "siren.fixed", "value": 2, "observed_at": "2026-11-20"}

            {"id": "s-2", "kind": "report", "period": "2026", "unit": "shouning", "indicator": "duty.24h", "value": "否", "observed_at": "2026-11-20"}\r

            """
        XCTAssertEqual(try site.ingest("shouning", "a.jsonl", lines).receipt?.counts.records, 2)
        XCTAssertEqual(try site.ingest("fuan", "b.ndjson", #"{"id": "f-1", "kind": "report", "period": "2026", "unit": "fuan", "indicator": "siren.fixed", "value": 1, "observed_at": "2026-11-20"}"#).receipt?.counts.records, 1)
        XCTAssertEqual(try site.values().evidence(unit: "shouning", indicator: "duty.24h").report, Exact(0))
    }

    func testCSVWithQuotesCRLFAndEmbeddedLineBreaks() throws {
        let site = try TestSite()
        let csv = "id,kind,period,unit,indicator,value,observed_at,note,by\r\n"
            + "s-1,report,2026,shouning,siren.fixed,2,2026-11-20,\"两台, 含控制系统\",张三\r\n"
            + "s-2,report,2026,shouning,duty.24h,1,2026-11-20,\"第一行\r\n第二行 \"\"引号\"\"\",李四\r\n"
            + ",,,,,,,,\r\n"
        let outcome = try site.ingest("shouning", "report.csv", csv)
        XCTAssertEqual(outcome.receipt?.counts.imported, 2, "\(outcome.problems)")
        let notes = try site.store.writer.read { try String.fetchAll($0, sql: "SELECT note FROM revision ORDER BY record_id") }
        XCTAssertEqual(notes, ["两台, 含控制系统", "第一行\r\n第二行 \"引号\""])
        let locations = try site.store.writer.read { try String.fetchAll($0, sql: "SELECT location FROM revision ORDER BY record_id") }
        XCTAssertEqual(locations, ["line 2", "line 3"])
    }

    func testUTF8WithBOM() throws {
        let site = try TestSite()
        let csv = [0xEF, 0xBB, 0xBF] + Array("id,kind,period,unit,indicator,value,observed_at\ns-1,report,2026,shouning,siren.fixed,2,2026-11-20\n".utf8)
        let outcome = try site.ingest("shouning", "bom.csv", csv)
        XCTAssertEqual(outcome.receipt?.counts.imported, 1, "\(outcome.problems)")
    }

    func testGB18030CSVAsExcelOnChineseWindowsSavesIt() throws {
        let site = try TestSite()
        let text = "id,kind,period,unit,indicator,value,observed_at,note,by\r\nf-1,report,2026,fuan,siren.fixed,1,2026-11-20,安装完成“9·18”试鸣,王五\r\n"
        let gb = gb18030(text)
        XCTAssertNotEqual(gb, Array(text.utf8), "the test file must really be GB18030")
        let outcome = try site.ingest("fuan", "福安.csv", gb)
        XCTAssertEqual(outcome.receipt?.counts.imported, 1, "\(outcome.problems)")
        let row = try site.store.writer.read { try Row.fetchOne($0, sql: "SELECT note, by FROM revision") }
        XCTAssertEqual(row?["note"], "安装完成“9·18”试鸣")
        XCTAssertEqual(row?["by"], "王五")
    }

    func testGB18030IsDecodedAcrossChunkBoundaries() throws {
        // A file larger than the reader's chunk, full of two-byte characters: a split
        // character at every chunk boundary must be carried over, not refused.
        let site = try TestSite()
        var text = "id,kind,period,unit,indicator,value,observed_at,note\r\n"
        let note = String(repeating: "人防", count: 40)
        for i in 0..<4000 {
            text += "f-\(i),report,2026,fuan,siren.fixed,1,2026-11-20,\(note)\r\n"
        }
        let gb = gb18030(text)
        XCTAssertGreaterThan(gb.count, RecordReader.chunkSize * 2)
        let outcome = try site.ingest("fuan", "big.csv", gb)
        XCTAssertEqual(outcome.receipt?.counts.imported, 4000, "\(outcome.problems.prefix(3))")
        XCTAssertEqual(try site.count("SELECT count(*) FROM revision WHERE note = '\(note)'"), 4000)
    }

    func testNeitherUTF8NorGB18030IsRejectedWithAReason() throws {
        let site = try TestSite()
        let bytes = Array("id,kind\n".utf8) + [0x81, 0x20, 0xFF, 0xFF, 0x0A]
        let problems = try site.ingest("fuan", "bad.csv", bytes).problems
        XCTAssertEqual(problems.count, 1)
        XCTAssertTrue(problems[0].en.contains("neither UTF-8 nor GB18030"), problems[0].en)
    }

    func testUnsupportedExtensionIsRejected() throws {
        let site = try TestSite()
        let problems = try site.ingest("fuan", "report.ods", "PK...").problems
        XCTAssertEqual(problems.first?.en.contains("unsupported file type; save it as .xlsx"), true)
        XCTAssertTrue(site.exists(site.dir("fuan") + "/rejected/report.ods"))
        // An .xlsx that is not one: read as a workbook, refused as one.
        let broken = try site.ingest("fuan", "report.xlsx", "PK...").problems
        XCTAssertEqual(broken.first?.en.contains("cannot be read (the file is not a zip archive)"), true, "\(broken)")
    }

    /// The three shapes of a `.json` file, and objects that only look like the wrapper.
    func testJSONFileShapes() throws {
        func shapes(_ text: String) throws -> [String] {
            var parser = JSONParser(Array(text.utf8))
            return try parser.parseRecords().map { "\($0.index.map(String.init) ?? "-")@\($0.line)" }
        }
        XCTAssertEqual(try shapes("{\"records\": [\n{\"id\": 1},\n {\"id\": 2}]}"), ["0@2", "1@3"])
        XCTAssertEqual(try shapes("[{\"id\": 1}, {\"id\": 2}]"), ["0@1", "1@1"])
        XCTAssertEqual(try shapes("\n{\"id\": 1}"), ["-@2"])
        // "records" not first, or not an array: one record (whose unknown fields
        // validation then reports). An array of records and more beside it: an error,
        // for the records are read one at a time as they come.
        XCTAssertThrowsError(try shapes("{\"records\": [{\"id\": 1}], \"by\": \"x\"}")) { error in
            XCTAssertEqual((error as? JSONSyntaxError)?.message, "{\"records\": [...]} must hold nothing but the array of records")
        }
        XCTAssertEqual(try shapes("{\"records\": 5, \"by\": \"x\"}"), ["-@1"])
        XCTAssertEqual(try shapes("{\"by\": \"x\", \"records\": []}"), ["-@1"])
        XCTAssertThrowsError(try shapes("{\"records\": 5}")) { error in
            XCTAssertEqual((error as? JSONSyntaxError)?.message, "\"records\" must be an array of record objects")
            XCTAssertEqual((error as? JSONSyntaxError)?.column, 13)
        }
    }
}
