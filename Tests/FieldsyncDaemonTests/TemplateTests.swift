import FieldsyncIntake
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

    /// A clerk's program saving the workbook: the given values in the rows whose ids end
    /// so, and the time it says it was saved (`dcterms:modified`), set afterwards —
    /// openpyxl writes its own clock's second, and a test must not wait for a later one.
    static let save = """
        import sys, zipfile, re
        from openpyxl import load_workbook
        source, target, saved = sys.argv[1], sys.argv[2], sys.argv[3]
        wb = load_workbook(source)
        ws = wb["数据"]
        value = [c.value for c in ws[1]].index("数值") + 1
        for pair in sys.argv[4:]:
            suffix, v = pair.split("=")
            for row in ws.iter_rows(min_row=2):
                if row[0].value.endswith(suffix):
                    ws.cell(row=row[0].row, column=value, value=(v if v == "是" or v == "否" else float(v)))
        wb.save(target + ".tmp")
        with zipfile.ZipFile(target + ".tmp") as z, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
            for item in z.infolist():
                data = z.read(item.filename)
                if item.filename == "docProps/core.xml":
                    data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\\g<1>" + saved.encode(), data)
                out.writestr(item, data)
        """

    /// `workbook` filled with `values` (as ``save`` takes them), saved at `saved`, and
    /// dropped into Shouning's directory as `name`.
    static func saveAndDrop(_ site: TestSite, _ workbook: String, as name: String, saved: String,
                            _ values: [String]) throws -> FileOutcome {
        let path = site.root + "/" + name
        _ = try python(save, [workbook, path, saved] + values)
        return try site.ingest("shouning", name, Array(try Data(contentsOf: URL(fileURLWithPath: path))))
    }

    /// The template as the clerk first opens it: saved again by LibreOffice or by openpyxl.
    static func resaved(_ template: String, by producer: String) throws -> String {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: template)))
        let out = template + "." + producer + ".xlsx"
        switch producer {
        case "libreoffice": try writeFile(out, try SpreadsheetProducer.libreOffice(xlsx: bytes))
        default: _ = try python("import sys\nfrom openpyxl import load_workbook\nload_workbook(sys.argv[1]).save(sys.argv[2])", [template, out])
        }
        return out
    }

    @Test("A corrected workbook dropped again is the next revision; an older copy dropped later never wins",
          arguments: ["libreoffice", "openpyxl"])
    func correction(producer: String) throws {
        let site = try TestSite()
        let template = site.root + "/t.xlsx"
        #expect(try runFieldsync(["template", "--config", site.configPath, "--source", "shouning", "-o", template]).status == 0)
        let blank = try Self.resaved(template, by: producer)
        func drop(_ name: String, saved: String, _ values: [String]) throws -> FileOutcome {
            try Self.saveAndDrop(site, blank, as: name, saved: saved, values)
        }
        func siren() throws -> Exact? { try site.values().evidence["shouning"]?["siren.fixed"]?.report }

        let first = try drop("第一次.xlsx", saved: "2026-12-01T09:00:00Z", ["siren.fixed=2", "duty.24h=是"])
        #expect(first.receipt?.counts.imported == 2, "\(first.problems)")
        // The same workbook, the siren count corrected, saved later: revision 2 of that row only.
        let corrected = try drop("更正.xlsx", saved: "2026-12-02T09:00:00Z", ["siren.fixed=3", "duty.24h=是"])
        #expect(corrected.receipt?.counts.updated == 1, "\(corrected.problems)")
        #expect(corrected.receipt?.counts.ignored == 1)
        #expect(try siren() == Exact(3))
        // A copy saved between the two (a colleague's, an email's) arrives last: refused, naming the row.
        let older = try drop("旧副本.xlsx", saved: "2026-12-01T10:00:00Z", ["siren.fixed=5", "duty.24h=是"])
        #expect(older.receipt == nil)
        #expect(older.problems.contains { $0.en.contains("older copy") && $0.zh.contains("较早的副本") && $0.location == .row(2) },
                "\(older.problems)")
        #expect(try siren() == Exact(3))
        // Corrected once more, later still: revision 3.
        let again = try drop("再更正.xlsx", saved: "2026-12-03T09:00:00Z", ["siren.fixed=4", "duty.24h=否"])
        #expect(again.receipt?.counts.updated == 2, "\(again.problems)")
        #expect(try siren() == Exact(4))
    }

    @Test("A copy in force that did not say when it was saved is never taken for older than a dated one")
    func undatedCopyInForce() throws {
        let site = try TestSite()
        let template = site.root + "/t.xlsx"
        #expect(try runFieldsync(["template", "--config", site.configPath, "--source", "shouning", "-o", template]).status == 0)
        // Saved without a time (its properties stripped), then an older dated copy arrives.
        #expect(try Self.saveAndDrop(site, template, as: "undated.xlsx", saved: "", ["siren.fixed=3"]).receipt?.counts.imported == 1)
        let dated = try Self.saveAndDrop(site, template, as: "dated.xlsx", saved: "2026-12-01T09:00:00Z", ["siren.fixed=5"])
        #expect(dated.problems.contains { $0.en.contains("did not say when it was saved") }, "\(dated.problems)")
        #expect(try site.values().evidence["shouning"]?["siren.fixed"]?.report == Exact(3))
    }

    @Test("A template made now shows what is in force and is based on it; a workbook made before someone else's change is refused")
    func basedOnWhatIsInForce() throws {
        let site = try TestSite()
        let before = site.root + "/before.xlsx"
        #expect(try runFieldsync(["template", "--config", site.configPath, "--source", "shouning", "-o", before]).status == 0)
        #expect(try Self.saveAndDrop(site, before, as: "a.xlsx", saved: "2026-12-01T09:00:00Z", ["siren.fixed=2"]).receipt?.counts.imported == 1)
        // Someone corrects the row by hand, with a revision of their own.
        let csv = "id,kind,period,unit,indicator,value,observed_at,revision\nshouning-2026-siren.fixed,report,2026,shouning,siren.fixed,1,2026-12-05,7\n"
        #expect(try site.ingest("shouning", "hand.csv", csv).receipt?.counts.updated == 1)

        // The old workbook, corrected and saved later still, does not overwrite that change.
        let stale = try Self.saveAndDrop(site, before, as: "b.xlsx", saved: "2026-12-09T09:00:00Z", ["siren.fixed=9"])
        #expect(stale.problems.contains { $0.en.contains("did not come from this workbook") && $0.en.contains("fieldsync template") }, "\(stale.problems)")

        // A template made now shows 1 (revision 7) and is based on revision 7.
        let now = site.root + "/now.xlsx"
        #expect(try runFieldsync(["template", "--config", site.configPath, "--source", "shouning", "-o", now]).status == 0)
        let shown = try Self.python("""
            import sys
            from openpyxl import load_workbook
            ws = load_workbook(sys.argv[1])["数据"]
            header = [c.value for c in ws[1]]
            for row in ws.iter_rows(min_row=2, values_only=True):
                if row[0].endswith("siren.fixed"): print(row[header.index("数值")], row[header.index("日期")], row[header.index("基于版本")])
            print(ws.column_dimensions["N"].hidden)
            """, [now])
        #expect(shown == "1 2026-12-05 7\nTrue\n", "\(shown)")
        // Dropped unchanged: nothing new. Corrected: revision 8.
        let unchanged = try site.ingest("shouning", "now.xlsx", Array(try Data(contentsOf: URL(fileURLWithPath: now))))
        #expect(unchanged.receipt?.counts.ignored == 1 && unchanged.receipt?.counts.updated == 0, "\(unchanged.problems)")
        let fixed = try Self.saveAndDrop(site, now, as: "c.xlsx", saved: "2026-12-10T09:00:00Z", ["siren.fixed=2"])
        #expect(fixed.receipt?.counts.updated == 1, "\(fixed.problems)")
        #expect(try site.values().evidence["shouning"]?["siren.fixed"]?.report == Exact(2))
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
