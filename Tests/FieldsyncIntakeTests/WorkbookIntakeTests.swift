import FieldsyncModel
import FieldsyncScoring
import FieldsyncTesting
import Foundation
import Testing

/// A clerk's `.xlsx` goes through the same intake as a CSV file: validated, stored,
/// answered with a receipt — here as LibreOffice saves it (shared strings, date cells).
@Suite("Workbooks through intake")
struct WorkbookIntakeTests {
    static let csv = """
        id,kind,period,unit,indicator,value,observed_at,revision,note
        lo-1,report,2026,shouning,siren.fixed,2,2026-03-01,1,新增警报器 寿宁
        lo-2,report,2026,shouning,duty.24h,1,2026-03-02,1,

        """

    @Test("A workbook saved by LibreOffice is accepted with the values a CSV of the same rows gives")
    func libreOfficeWorkbook() throws {
        let workbook = try SpreadsheetProducer.libreOffice(csv: Self.csv)
        let viaWorkbook = try TestSite()
        let outcome = try viaWorkbook.ingest("shouning", "自评表.xlsx", workbook)
        #expect(outcome.receipt?.counts.imported == 2, "\(outcome)")
        let viaCSV = try TestSite()
        #expect(try viaCSV.ingest("shouning", "自评表.csv", Self.csv).receipt?.counts.imported == 2)
        #expect(try viaWorkbook.values() == viaCSV.values())
        #expect(try viaWorkbook.values().evidence["shouning"]?["siren.fixed"]?.report == Exact(2))
    }

    @Test("A workbook with a cell in error is rejected, the errors file naming the cell in both languages")
    func errorCell() throws {
        let workbook = try SpreadsheetProducer.libreOffice(csv: """
            id,kind,period,unit,indicator,value,observed_at,revision
            lo-1,report,2026,shouning,siren.fixed,=1/0,2026-03-01,1

            """)
        let site = try TestSite()
        let outcome = try site.ingest("shouning", "坏表.xlsx", workbook)
        #expect(outcome.receipt == nil)
        let errors = site.read(site.dir("shouning") + "/rejected/坏表.xlsx.errors.txt") ?? ""
        #expect(errors.contains("第2行 F列"), "\(errors)")
        #expect(errors.contains("cell F2"), "\(errors)")
        #expect(try site.values().evidence.isEmpty, "nothing stored")
    }

    @Test("A second header row, and text in a number column, are rejected naming the cell; nothing is stored",
          arguments: [
              ("编号,类型,期间,单位,指标,数值,日期\n编号,类型,期间,单位,指标,数值,日期\nsn-1,自评,2026,寿宁县,固定式防空警报器安装(台),2,2026-03-01\n",
               "第2行 B列", "kind"),
              ("编号,类型,期间,单位,指标,数值,日期\nsn-1,自评,2026,寿宁县,固定式防空警报器安装(台),两台,2026-03-01\n",
               "第2行 F列", "value"),
          ])
    func misplacedText(csv: String, cell: String, field: String) throws {
        let site = try TestSite()
        let outcome = try site.ingest("shouning", "自评表.xlsx", try SpreadsheetProducer.libreOffice(csv: csv))
        #expect(outcome.receipt == nil)
        #expect(outcome.problems.contains { $0.description.contains(cell) && $0.field == field }, "\(outcome.problems)")
        #expect(try site.values().evidence.isEmpty, "nothing stored")
    }
}
