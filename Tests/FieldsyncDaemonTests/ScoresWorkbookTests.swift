@testable import FieldsyncModel
@testable import FieldsyncProtocol
import FieldsyncTesting
import Foundation
import Testing

/// `scores --format xlsx`: a workbook a leader opens — read back here by LibreOffice and
/// by openpyxl, its numbers those of the scores document.
@Suite("The scoreboard workbook")
struct ScoresWorkbookTests {
    @Test("The 总表 sheet as LibreOffice reads it has every unit's total of the document; a unit's sheet its indicators")
    func workbook() throws {
        let (root, _) = try NingdeTests.stageNingde()
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(try runFieldsync(["ingest", "--config", root + "/fieldsync.toml"]).status == 0)
        let json = try runFieldsync(["scores", "--config", root + "/fieldsync.toml", "--format", "json"])
        var parser = JSONParser(Array(json.output.utf8))
        let document = try parser.parseValue()
        let out = root + "/scores.xlsx"
        let written = try runFieldsync(["scores", "--config", root + "/fieldsync.toml", "--format", "xlsx", "-o", out])
        #expect(written.status == 0, "\(written.errors)")

        // LibreOffice opens it and saves its first sheet as CSV, as shown (0.00).
        _ = try runProgram(["soffice", "--headless", "-env:UserInstallation=file://\(root)/lo-profile",
                            "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", root + "/csv", out])
        let csv = try String(contentsOfFile: root + "/csv/scores.csv", encoding: .utf8)
        let lines = csv.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(lines.first?.first == "单位代码 Unit", "\(csv)")
        guard case .array(let units)? = document["units"] else { Issue.record("no units"); return }
        #expect(lines.count == units.count + 2, "\(csv)")
        for unit in units {
            guard case .string(let code)? = unit["unit"], case .number(let total)? = unit["total"] else { continue }
            let row = lines.first { $0.first == code }
            #expect(row?[5] == Exact(decimal: total)?.decimalString(places: 2), "\(code): \(String(describing: row))")
        }

        // openpyxl reads a unit's sheet: its indicators with their codes, and numbers as numbers.
        let python = """
            import sys
            from openpyxl import load_workbook
            wb = load_workbook(sys.argv[1])
            ws = wb["寿宁县"]
            print(ws.freeze_panes)
            for row in ws.iter_rows(min_row=2, values_only=True):
                if row and row[1]:
                    print(row[1], repr(row[6]))
            """
        let read = try runProgram(["python3", "-c", python, out]).output
        #expect(read.hasPrefix("A2"), "the header row stays in view: \(read)")
        #expect(read.contains("siren.fixed"), "\(read)")
        #expect(!read.contains("'"), "scores are number cells, not text: \(read)")
    }

    @Test("xlsx without -o is refused with what to do")
    func needsOutput() throws {
        let (root, _) = try NingdeTests.stageNingde()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let run = try runFieldsync(["scores", "--config", root + "/fieldsync.toml", "--format", "xlsx"])
        #expect(run.status != 0)
        #expect(run.errors.contains("-o"), "\(run.errors)")
    }
}
