@testable import FieldsyncModel
@testable import FieldsyncScoring
import FieldsyncTesting
import XCTest

/// The table for people (CJK-aligned) and the CSV for spreadsheets.
final class ScoreTableTests: XCTestCase {
    private let d = Fx.d

    private func board(names: [(String, String)] = [("city", "市本级"), ("shouning", "寿宁县"),
                                                     ("dongqiao", "东侨经济技术开发区"), ("x", "Test, \"Q\" unit")])
        -> Scoreboard {
        let units = names.map { SchemeUnit(code: $0.0, name: $0.1) }
        let s = Fx.scheme(units: units, indicators: [
            Fx.indicator("m", rule: .manual, points: "10", overall: Overall(aggregate: .mean)),
        ])
        var values = CurrentValues()
        values.evidence["city"] = ["m": Evidence(report: d("10"))]
        values.evidence["shouning"] = ["m": Evidence(report: d("7.5"))]
        values.publicTotals["city"] = PublicTotal([Fx.survey("s1", "66.65")])
        values.publicTotals["shouning"] = PublicTotal([Fx.survey("s2", "91.2", 120)])
        values.findings["shouning"] = [Finding(id: "f", deduction: d("2"))]
        return Scorer.score(scheme: s, values: values)
    }

    func testDisplayWidth() {
        XCTAssertEqual(ScoreTable.displayWidth("abc"), 3)
        XCTAssertEqual(ScoreTable.displayWidth("寿宁县"), 6)
        XCTAssertEqual(ScoreTable.displayWidth("良 good"), 7)
        XCTAssertEqual(ScoreTable.displayWidth("ＡＢ"), 4)          // fullwidth forms
        XCTAssertEqual(ScoreTable.displayWidth("한"), 2)            // Hangul syllable
        XCTAssertEqual(ScoreTable.displayWidth("𠀀"), 2)            // CJK extension B (U+20000)
        XCTAssertEqual(ScoreTable.displayWidth("e\u{301}"), 1)      // combining accent
        XCTAssertEqual(ScoreTable.displayWidth(""), 0)
    }

    /// The grid: from the column header to the overall row.
    private func gridLines(_ table: String, rows: Int) -> [Substring] {
        let lines = table.split(separator: "\n", omittingEmptySubsequences: false)
        let start = lines.firstIndex { $0.hasPrefix("单位 Unit") }!
        return Array(lines[start..<(start + rows + 4)])   // header, rule, units, rule, overall
    }

    func testTableColumnsAlignForCJK() {
        let b = board()
        let table = ScoreTable.table(b)
        let grid = gridLines(table, rows: b.units.count)
        let widths = grid.map { ScoreTable.displayWidth($0) }
        XCTAssertEqual(Set(widths).count, 1, "grid lines differ in display width: \(widths)\n\(table)")
        // Character counts differ (CJK names), so aligning by count would have failed.
        XCTAssertGreaterThan(Set(grid.map(\.count)).count, 1)
        // Every column starts at the same display column: the "Total" numbers end where
        // the header's 总分 Total ends.
        let header = String(grid[0])
        let totalEnd = ScoreTable.displayWidth(header[..<header.range(of: "总分 Total")!.upperBound])
        // Rows are units in order, then (after a rule) the overall.
        let rows = Array(grid.dropFirst(2).prefix(b.units.count)) + [grid.last!]
        for (row, score) in zip(rows, b.units + [b.overall]) {
            let s = String(row)
            // The total is the last number on the row (grade and complete follow).
            let r = s.range(of: score.total.decimalString(places: 2), options: .backwards)!
            XCTAssertEqual(ScoreTable.displayWidth(s[..<r.upperBound]), totalEnd, s)
        }
    }

    func testTableContents() {
        let b = board()
        let table = ScoreTable.table(b)
        XCTAssertTrue(table.hasPrefix("宁德市人防办2026年度绩效评估指标"))
        XCTAssertTrue(table.contains("2026"))
        let lines = table.split(separator: "\n").map(String.init)
        let city = lines.first { $0.hasPrefix("市本级 city") }!
        XCTAssertTrue(city.contains("100.00"))     // indicator
        XCTAssertTrue(city.contains("66.65"))
        XCTAssertTrue(city.contains("90.00"))      // 89.995 rounded, with 2 decimals
        XCTAssertTrue(city.contains("优秀 excellent"))
        XCTAssertTrue(city.contains("是"))
        // Shouning: 75 × 0.7 + 91.2 × 0.3 − 2 = 52.5 + 27.36 − 2 = 77.86
        let shouning = lines.first { $0.hasPrefix("寿宁县 shouning") }!
        XCTAssertTrue(shouning.contains("77.86"), shouning)
        XCTAssertTrue(shouning.contains("良 good"))
        XCTAssertTrue(shouning.contains("2.00"))
        let dongqiao = lines.first { $0.hasPrefix("东侨经济技术开发区 dongqiao") }!
        XCTAssertTrue(dongqiao.contains("否"))
        XCTAssertTrue(dongqiao.contains("差 poor"))
        XCTAssertTrue(lines.contains { $0.hasPrefix("总体 overall") })
        // Units in scheme order, overall last.
        let order = ["市本级 city", "寿宁县 shouning", "东侨经济技术开发区 dongqiao", "总体 overall"]
            .map { p in lines.firstIndex { $0.hasPrefix(p) }! }
        XCTAssertEqual(order, order.sorted())
        XCTAssertTrue(table.contains("优秀 excellent >= 90"))
        XCTAssertTrue(table.contains("良 good >= 76"))
        XCTAssertTrue(table.contains("一般 average >= 60"))
        XCTAssertTrue(table.contains("0.7"))
    }

    func testNumbersRightAligned() {
        let table = ScoreTable.table(board())
        let lines = table.split(separator: "\n").map(String.init)
        let city = lines.first { $0.hasPrefix("市本级 city") }!
        let dongqiao = lines.first { $0.hasPrefix("东侨经济技术开发区 dongqiao") }!
        // 100.00 (city) and 0.00 (dongqiao) in the indicator column end at the same column.
        let cityEnd = ScoreTable.displayWidth(city[..<city.range(of: "100.00")!.upperBound])
        let dqEnd = ScoreTable.displayWidth(dongqiao[..<dongqiao.range(of: "0.00")!.upperBound])
        XCTAssertEqual(cityEnd, dqEnd)
    }

    func testCSV() {
        let csv = ScoreTable.csv(board())
        XCTAssertTrue(csv.unicodeScalars.first == "\u{FEFF}")
        XCTAssertEqual(Array(csv.utf8.prefix(3)), [0xEF, 0xBB, 0xBF])
        let body = String(csv.dropFirst())
        XCTAssertTrue(body.hasSuffix("\r\n"))
        // Every line break is CRLF: no bare LF, no bare CR.
        let scalars = Array(body.unicodeScalars)
        for (i, s) in scalars.enumerated() where s == "\n" {
            XCTAssertEqual(scalars[i - 1], "\r")
        }
        let lines = body.components(separatedBy: "\r\n").dropLast()
        XCTAssertEqual(lines.first, "unit,name,indicator_score,public_score,deductions,total,grade,grade_zh,complete")
        XCTAssertEqual(lines.count, 1 + 4 + 1)
        XCTAssertEqual(lines[1], "city,市本级,100.00,66.65,0.00,90.00,excellent,优秀,true")
        XCTAssertEqual(lines[2], "shouning,寿宁县,75.00,91.20,2.00,77.86,good,良,true")
        XCTAssertEqual(lines[4], #"x,"Test, ""Q"" unit",0.00,0.00,0.00,0.00,poor,差,false"#)
        XCTAssertTrue(lines[5].hasPrefix("overall,总体,"))
    }

    func testCSVFieldQuoting() {
        XCTAssertEqual(ScoreTable.csvField("plain"), "plain")
        XCTAssertEqual(ScoreTable.csvField("a,b"), "\"a,b\"")
        XCTAssertEqual(ScoreTable.csvField("say \"hi\""), "\"say \"\"hi\"\"\"")
        XCTAssertEqual(ScoreTable.csvField("two\nlines"), "\"two\nlines\"")
        XCTAssertEqual(ScoreTable.csvField("cr\r\nlf"), "\"cr\r\nlf\"")
    }
}
