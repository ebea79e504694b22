import FieldsyncModel
import FieldsyncScoring
import FieldsyncTesting
import Foundation
import Testing

/// Clerks write Chinese: headers, kinds and actions in Chinese, units and indicators
/// by their names in the scheme — the same records as the English file gives.
@Suite("Chinese headers and names")
struct ChineseHeadersTests {
    static let english = """
        id,kind,period,unit,indicator,value,observed_at,revision,note,by
        sn-1,report,2026,shouning,siren.fixed,2,2026-03-01,1,新增,张三
        sn-2,report,2026,shouning,duty.24h,是,2026-03-02,1,,张三

        """

    static let chinese = """
        编号,类型,期间,单位,指标,数值,日期,版本,备注,填报人
        sn-1,自评,2026,寿宁县,固定式防空警报器安装(台),2,2026-03-01,1,新增,张三
        sn-2,自评,2026,寿宁县,24小时值班,是,2026-03-02,1,,张三

        """

    @Test("A Chinese-headed CSV with names for codes stores what the English one does")
    func chineseCSV() throws {
        let english = try TestSite()
        #expect(try english.ingest("shouning", "en.csv", Self.english).receipt?.counts.imported == 2)
        let chinese = try TestSite()
        let outcome = try chinese.ingest("shouning", "自评表.csv", Self.chinese)
        #expect(outcome.receipt?.counts.imported == 2, "\(outcome.problems)")
        #expect(try chinese.values() == english.values())
        #expect(try chinese.values().evidence["shouning"]?["siren.fixed"]?.report == Exact(2))
    }

    @Test("A Chinese-headed workbook (LibreOffice) is accepted the same way")
    func chineseWorkbook() throws {
        let workbook = try SpreadsheetProducer.libreOffice(csv: Self.chinese)
        let site = try TestSite()
        let outcome = try site.ingest("shouning", "自评表.xlsx", workbook)
        #expect(outcome.receipt?.counts.imported == 2, "\(outcome.problems)")
        #expect(try site.values().evidence["shouning"]?["duty.24h"]?.report == Exact(1))
    }

    @Test("撤回 withdraws, 更新 sets; kinds and actions in Chinese", arguments: ["撤回", "retract", "RETRACT"])
    func chineseAction(retract: String) throws {
        let site = try TestSite()
        #expect(try site.ingest("shouning", "a.csv", Self.chinese).receipt != nil)
        let withdrawal = "编号,类型,期间,单位,日期,版本,操作\nsn-1,自评,2026,寿宁县,2026-03-05,2,\(retract)\n"
        let outcome = try site.ingest("shouning", "b.csv", withdrawal)
        #expect(outcome.receipt?.counts.retracted == 1, "\(outcome.problems)")
        #expect(try site.values().evidence["shouning"]?["siren.fixed"] == nil)
    }

    @Test("A name two indicators share names neither: refused, not taken for the first")
    func ambiguousName() throws {
        let scheme = TestSite.scheme.replacingOccurrences(of: "name = \"24小时值班\"", with: "name = \"固定式防空警报器安装(台)\"")
        #expect(scheme != TestSite.scheme, "the test's scheme changed")
        let site = try TestSite(scheme: scheme)
        let outcome = try site.ingest("shouning", "a.csv", "编号,类型,期间,单位,指标,数值,日期\nsn-1,自评,2026,寿宁县,固定式防空警报器安装(台),2,2026-03-01\n")
        #expect(outcome.receipt == nil)
        #expect(outcome.problems.contains { $0.field == "indicator" }, "\(outcome.problems)")
    }

    @Test("A header neither English nor Chinese is an error listing every accepted name")
    func unknownHeader() throws {
        let site = try TestSite()
        let problems = try site.ingest("shouning", "bad.csv", "编号,类型,期间,单位,指标,完成情况\nsn-1,自评,2026,寿宁县,24小时值班,1\n").problems
        let text = problems.map(\.description).joined(separator: "\n")
        #expect(problems.contains { $0.field == "完成情况" }, "\(text)")
        #expect(text.contains("id/编号"), "\(text)")
        #expect(text.contains("observed_at/日期"), "\(text)")
    }

    @Test("The same field named twice, once in each language, is refused")
    func sameFieldTwice() throws {
        let site = try TestSite()
        let problems = try site.ingest("shouning", "twice.csv", "id,编号,kind\na,b,report\n").problems
        #expect(problems.contains { $0.field == "编号" && $0.description.contains("twice") }, "\(problems)")
    }

    @Test("A CSV separated by semicolons or tabs is refused with that hint", arguments: [
        (";", "semicolons", "分号"), ("\t", "tabs", "制表符"),
    ])
    func otherSeparators(separator: String, english: String, chinese: String) throws {
        let site = try TestSite()
        let text = Self.english.replacingOccurrences(of: ",", with: separator)
        let problems = try site.ingest("shouning", "europe.csv", text).problems
        let all = problems.map { "\($0.zh) \($0.en)" }.joined(separator: "\n")
        #expect(all.contains("separated by \(english)"), "\(all)")
        #expect(all.contains(chinese), "\(all)")
    }
}
