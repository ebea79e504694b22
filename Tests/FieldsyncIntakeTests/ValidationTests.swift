@testable import FieldsyncConfig
@testable import FieldsyncProtocol
@testable import FieldsyncRecords
import FieldsyncTesting
import Foundation
import GRDB
import XCTest

/// SPEC §2–§4 validation: every problem of a file, each with its line, field and reason.
final class ValidationTests: XCTestCase {
    func testEveryProblemIsListedWithLineAndField() throws {
        let site = try TestSite()
        let csv = """
            id,kind,period,unit,indicator,value,observed_at
            s-1,report,2026,shouning,siren.fixed,2,2026-11-20
            s-2,report,2026,shouning,siren.mobile,1,2026-11-20
            s-3,report,2026,shouning,siren.fixed,-3,2026-11-20
            s-4,report,2026,shouning,siren.fixed,1,
            s-5,report,2026,fuan,siren.fixed,1,2026-11-20
            s-6,spotcheck,2026,shouning,siren.fixed,1,2026-11-20
            s-7,report,2025,shouning,siren.fixed,1,2026-11-20
            s-8,report,2026,shouning,duty.24h,maybe,2026-11-20
            s-9,report,2026,shouning,siren.fixed,1,20/11/2026

            """
        let problems = try site.ingest("shouning", "bad.csv", csv).problems
        let got = problems.map { "\($0.location) \($0.field ?? "-")" }
        XCTAssertEqual(got, ["line 3 indicator", "line 4 value", "line 5 observed_at", "line 6 unit", "line 7 kind",
                             "line 8 period", "line 9 value", "line 10 observed_at"])
        XCTAssertTrue(problems[3].en.contains("may only report for its own unit shouning"), problems[3].en)
        XCTAssertTrue(problems[3].zh.contains("只能报送本单位"), problems[3].zh)
        XCTAssertTrue(problems[4].en.contains("may not submit spotcheck"), problems[4].en)
        // Atomic: the good first line did not count either.
        XCTAssertEqual(try site.count("SELECT count(*) FROM revision"), 0)
        // The errors file: one line per problem, Chinese and English.
        let errors = try XCTUnwrap(site.read(site.dir("shouning") + "/rejected/bad.csv.errors.txt"))
        let lines = errors.split(separator: "\n")
        XCTAssertEqual(lines.count, 8)
        XCTAssertTrue(lines[1].hasPrefix("第4行 line 4 · 字段 field \"value\""), String(lines[1]))
        XCTAssertTrue(lines[1].contains("must be a number ≥ 0, got \"-3\""), String(lines[1]))
        XCTAssertTrue(site.exists(site.dir("shouning") + "/rejected/bad.csv"))
        XCTAssertFalse(site.exists(site.dir("shouning") + "/bad.csv"))
    }

    func testJSONErrorsNameTheArrayIndexAndLine() throws {
        let site = try TestSite()
        let json = """
            [
              {"id": "a", "kind": "report", "period": "2026", "unit": "shouning", "indicator": "siren.fixed", "value": 1, "observed_at": "2026-11-20"},
              {"id": "b", "kind": "report", "period": "2026", "unit": "shouning", "indicator": "siren.fixed", "value": [1], "observed_at": "2026-11-20", "obsreved": 1},
              "not a record"
            ]
            """
        let problems = try site.ingest("shouning", "bad.json", json).problems
        XCTAssertEqual(problems.map(\.location), [.index(1, line: 3), .index(1, line: 3), .index(2, line: 4)])
        XCTAssertEqual(problems.map(\.field), ["obsreved", "value", nil])
        XCTAssertTrue(problems[0].en.contains("unknown field"))
    }

    func testBrokenJSONNamesLineAndColumn() throws {
        let site = try TestSite()
        let problems = try site.ingest("shouning", "broken.json", "[\n  {\"id\": \"a\",}\n]").problems
        XCTAssertEqual(problems.count, 1)
        XCTAssertEqual(problems[0].location, .line(2))
        XCTAssertTrue(problems[0].en.contains("JSON syntax error at column"), problems[0].en)
    }

    func testBooleanValuesAndTimestamps() throws {
        let site = try TestSite()
        let jsonl = ["true", "\"是\"", "\"否\"", "0", "\"1\"", "false"].enumerated().map { i, v in
            #"{"id": "d-\#(i)", "kind": "report", "period": "2026", "unit": "shouning", "indicator": "duty.24h", "value": \#(v), "observed_at": "2026-11-2\#(i)T08:00:00+08:00"}"#
        }.joined(separator: "\n")
        let outcome = try site.ingest("shouning", "bools.jsonl", jsonl)
        XCTAssertEqual(outcome.receipt?.counts.imported, 6, "\(outcome.problems)")
        let values = try site.store.writer.read { try String.fetchAll($0, sql: "SELECT value FROM revision ORDER BY record_id") }
        XCTAssertEqual(values, ["1", "1", "0", "0", "1", "0"])
    }

    /// Cells as Excel users type them: any letter case for kinds and yes/no values,
    /// stray spaces (ASCII, no-break, ideographic) around text.
    func testCaseAndSurroundingSpaces() throws {
        let site = try TestSite()
        let csv = """
            id,kind,period,unit,indicator,value,observed_at,note
            d-1,Report,2026,shouning,duty.24h,TRUE,2026-11-20,\u{3000}值班正常\u{3000}
            d-2,REPORT,2026,shouning,duty.24h,No,2026-11-21,\u{A0}ok\t
            d-3, report ,2026,shouning,duty.24h,Yes,2026-11-22,已核实
            """
        let outcome = try site.ingest("shouning", "cells.csv", csv)
        XCTAssertEqual(outcome.receipt?.counts.imported, 3, "\(outcome.problems)")
        let rows = try site.store.writer.read {
            try Row.fetchAll($0, sql: "SELECT kind, value, note FROM revision ORDER BY record_id").map { "\($0[0] as String) \($0[1] as String) [\($0[2] as String)]" }
        }
        XCTAssertEqual(rows, ["report 1 [值班正常]", "report 0 [ok]", "report 1 [已核实]"])
    }

    /// The byte-level shortcut of `trimmed` agrees with Foundation on every whitespace
    /// scalar and on ends of one to four UTF-8 bytes.
    func testTrimmingAgreesWithFoundation() {
        let spaces: [Unicode.Scalar] = [" ", "\t", "\n", "\r", "\u{0B}", "\u{0C}", "\u{85}", "\u{A0}", "\u{1680}", "\u{2000}",
                                        "\u{2007}", "\u{200A}", "\u{200B}", "\u{2028}", "\u{2029}", "\u{202F}", "\u{205F}",
                                        "\u{3000}", "\u{FEFF}"]
        let ends = ["a", "é", "值", "😀", "\u{3001}", "\u{2010}"]
        var cases = ["", " ", "abc", "值班", "é😀"]
        for space in spaces {
            for end in ends {
                cases += ["\(space)\(end)", "\(end)\(space)", "\(space)\(end)\(space)", "\(end)\(space)\(end)"]
            }
        }
        for text in cases {
            XCTAssertEqual(RecordValidator.trimmed(text), text.trimmingCharacters(in: .whitespacesAndNewlines),
                           "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
        }
    }

    func testDateOnlyIsMidnightInTheSchemeZone() {
        let zone = TimeZone(identifier: "Asia/Shanghai")!
        XCTAssertEqual(Timestamp.parse("2026-11-20", zone: zone)?.iso8601, "2026-11-19T16:00:00Z")
        XCTAssertEqual(Timestamp.parse("2026-11-20T09:30:00+08:00", zone: zone)?.iso8601, "2026-11-20T01:30:00Z")
        XCTAssertEqual(Timestamp.parse("2026-11-20 09:30:00.25+0800", zone: zone)?.iso8601, "2026-11-20T01:30:00.25Z")
        XCTAssertNil(Timestamp.parse("2026-11-20T09:30:00", zone: zone), "a clock time without offset is ambiguous")
        XCTAssertNil(Timestamp.parse("2026-02-30", zone: zone))
    }

    func testSurveyAndFindingRules() throws {
        let site = try TestSite()
        let jsonl = """
            {"id": "p-1", "kind": "survey", "period": "2026", "unit": "fuan", "score": 100.5, "observed_at": "2026-11-20"}
            {"id": "p-2", "kind": "survey", "period": "2026", "unit": "fuan", "score": 90, "respondents": 2.5, "observed_at": "2026-11-20"}
            {"id": "p-3", "kind": "survey", "period": "2026", "unit": "fuan", "score": 90, "value": 3, "observed_at": "2026-11-20"}
            """
        let problems = try site.ingest("survey", "s.jsonl", jsonl).problems
        XCTAssertEqual(problems.map(\.field), ["score", "respondents", "value"])
        let finding = #"{"id": "x-1", "kind": "finding", "period": "2026", "unit": "fuan", "deduction": 0, "observed_at": "2026-11-20"}"#
        XCTAssertEqual(try site.ingest("inspectors", "f.json", finding).problems.map(\.field), ["deduction"])
    }

    func testConfigMistakesNameFileKeyAndLine() throws {
        let dir = NSTemporaryDirectory() + "fieldsync-cfg-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/fieldsync.toml"
        func load(_ text: String) -> ConfigError? {
            try? text.write(toFile: path, atomically: false, encoding: .utf8)
            do { _ = try Config.load(path); return nil } catch { return error }
        }
        let base = "office = \"x\"\nstate_dir = \"s\"\nschemes = [\"a.toml\"]\n"
        let unknownRole = load(base + "[[source]]\nname = \"a\"\npath = \"a\"\nrole = \"reporters\"\nunit = \"u\"\n")
        XCTAssertEqual(unknownRole?.keyPath, "source[1].role")
        XCTAssertEqual(unknownRole?.line, 7)
        let typo = load(base + "[[source]]\nname = \"a\"\npath = \"a\"\nrole = \"survey\"\n[intake]\npoll_intervall = \"5s\"\n")
        XCTAssertEqual(typo?.keyPath, "intake.poll_intervall")
        XCTAssertEqual(typo?.message, "unknown key")
        let nested = load(base + "[[source]]\nname = \"a\"\npath = \"in\"\nrole = \"survey\"\n[[source]]\nname = \"b\"\npath = \"in/b\"\nrole = \"inspector\"\n")
        XCTAssertEqual(nested?.keyPath, "source[2].path")
        let reporter = load(base + "[[source]]\nname = \"a\"\npath = \"a\"\nrole = \"reporter\"\n")
        XCTAssertEqual(reporter?.keyPath, "source[1].unit")
        let syntax = load(base + "[[source]\n")
        XCTAssertEqual(syntax?.line, 4)
        XCTAssertTrue(syntax?.description.hasPrefix(path + ":4: not valid TOML") ?? false, syntax?.description ?? "")
    }
}
