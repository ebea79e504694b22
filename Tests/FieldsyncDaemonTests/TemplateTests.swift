import FieldsyncModel
import FieldsyncTesting
import Foundation
import Testing

/// `fieldsync template`: the workbook a clerk fills — only the value — and drops; rows
/// left empty are skipped, and the same workbook dropped again, or saved again by another
/// program, changes nothing.
@Suite("The fill-in template")
struct TemplateTests {
    /// Runs python3 with openpyxl on `script`, arguments after it.
    static func python(_ script: String, _ arguments: [String]) throws -> String {
        let run = try runProgram(["python3", "-c", script] + arguments)
        guard run.status == 0 else { throw TestSetupError("python3 failed: \(run.errors)") }
        return run.output
    }

    /// A clerk's filling: 2 siren.fixed, 是 for duty.24h; the other rows left empty.
    static let fill = """
        import sys
        from openpyxl import load_workbook
        wb = load_workbook(sys.argv[1])
        ws = wb["数据"]
        header = [c.value for c in ws[1]]
        value = header.index("数值") + 1
        filled = 0
        for row in ws.iter_rows(min_row=2):
            code = row[0].value
            if code.endswith("siren.fixed"): ws.cell(row=row[0].row, column=value, value=2); filled += 1
            if code.endswith("duty.24h"): ws.cell(row=row[0].row, column=value, value="是"); filled += 1
        wb.save(sys.argv[2])
        print(ws.freeze_panes, len(ws.data_validations.dataValidation), ws.max_row, filled, wb.sheetnames)
        """

    @Test("A county's template, filled by a clerk, is accepted with what was filled; dropped again or re-saved, nothing changes")
    func countyRoundTrip() throws {
        let site = try TestSite()
        let template = site.root + "/shouning-template.xlsx"
        let made = try runFieldsync(["template", "--config", site.configPath, "--source", "shouning", "-o", template])
        #expect(made.status == 0, "\(made.errors)")
        let filled = site.root + "/filled.xlsx"
        let said = try Self.python(Self.fill, [template, filled])
        // Frozen header, validations for yes/no and numbers, one row per indicator, the 说明 sheet.
        #expect(said.hasPrefix("A2 2 3 2 ['数据', '说明']"), "\(said)")

        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: filled)))
        let first = try site.ingest("shouning", "寿宁县-填报.xlsx", bytes)
        #expect(first.receipt?.counts.imported == 2, "\(first.problems)")
        #expect(try site.values().evidence["shouning"]?["siren.fixed"]?.report == Exact(2))
        #expect(try site.values().evidence["shouning"]?["duty.24h"]?.report == Exact(1))

        let again = try site.ingest("shouning", "寿宁县-填报-再次.xlsx", bytes)
        #expect(again.receipt?.duplicateOf == "寿宁县-填报.xlsx", "\(again)")

        // Saved again by LibreOffice: other bytes, the same records — all ignored.
        let resaved = try SpreadsheetProducer.libreOffice(xlsx: bytes)
        let third = try site.ingest("shouning", "寿宁县-填报-另存.xlsx", resaved)
        #expect(third.receipt?.counts.ignored == 2, "\(third.problems)")
        #expect(third.receipt?.counts.imported == 0)
    }

    @Test("Templates for the inspectors and the survey office", arguments: [("inspectors", "抽查"), ("survey", "测评")])
    func otherSources(source: String, kind: String) throws {
        let site = try TestSite()
        let template = site.root + "/\(source).xlsx"
        #expect(try runFieldsync(["template", "--config", site.configPath, "--source", source, "-o", template]).status == 0)
        let rows = try Self.python("""
            import sys
            from openpyxl import load_workbook
            ws = load_workbook(sys.argv[1])["数据"]
            print(ws.max_row - 1, ws["B2"].value)
            """, [template])
        // Two units: a spot-check row per unit and indicator (2 × 2), a survey row per unit.
        #expect(rows.trimmingCharacters(in: .whitespacesAndNewlines) == (source == "survey" ? "2 \(kind)" : "4 \(kind)"), "\(rows)")
        // An unfilled template is no record at all.
        let outcome = try site.ingest(source, "empty.xlsx", Array(try Data(contentsOf: URL(fileURLWithPath: template))))
        #expect(outcome.problems.contains { $0.en.contains("no records") }, "\(outcome.problems)")
    }

    @Test("A source that is not configured is one sentence listing those that are")
    func unknownSource() throws {
        let site = try TestSite()
        let run = try runFieldsync(["template", "--config", site.configPath, "--source", "atlantis"])
        #expect(run.status != 0)
        #expect(run.errors.contains("no source named \"atlantis\"") && run.errors.contains("shouning"), "\(run.errors)")
    }
}
