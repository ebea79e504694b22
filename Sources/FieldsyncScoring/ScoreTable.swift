import FieldsyncProtocol

/// The scoreboard for people: an aligned text table in Chinese and English (`fieldsync
/// scores --format table`) and a CSV for spreadsheets (`--format csv`).
///
/// Terminals draw CJK characters two columns wide, so the table pads by display width
/// (`displayWidth`), not by character count; otherwise every row holding a unit name
/// like 寿宁县 would push the columns to its right out of line.
public enum ScoreTable {
    /// Header of the CSV, one column per published component.
    public static let csvHeader = ["unit", "name", "indicator_score", "public_score",
                                   "deductions", "total", "grade", "grade_zh", "complete"]

    /// Label of the overall row, in the table and (as unit code and name) in the CSV.
    public static let overallCode = "overall"
    public static let overallName = "总体"

    // MARK: - Table

    /// A header with the scheme's name and period, one row per unit in scheme order,
    /// the overall row, and a legend of the grade bounds and the total's formula.
    /// Numbers are right-aligned with exactly 2 decimals; every line of the grid has the
    /// same display width.
    public static func table(_ board: Scoreboard) -> String {
        enum Align { case left, right }
        let columns: [(title: String, align: Align)] = [
            ("单位 Unit", .left), ("指标 Indicators", .right), ("公众 Public", .right),
            ("扣分 Deductions", .right), ("总分 Total", .right), ("等次 Grade", .left),
            ("完整 Complete", .left),
        ]
        func cells(_ s: UnitScore) -> [String] {
            let label = s.unit.map { "\($0.name) \($0.code)" } ?? "\(overallName) \(overallCode)"
            return [label,
                    s.indicatorScore.decimalString(places: 2),
                    s.publicScore.decimalString(places: 2),
                    s.deductions.decimalString(places: 2),
                    s.total.decimalString(places: 2),
                    "\(s.grade.chinese) \(s.grade.rawValue)",
                    s.complete ? "是 yes" : "否 no"]
        }
        let unitRows = board.units.map(cells)
        let overallRow = cells(board.overall)
        let grid = TextGrid(titles: columns.map(\.title), rows: unitRows + [overallRow],
                            rightAligned: Set(columns.indices.filter { columns[$0].align == .right }))
        let line = grid.line
        let rule = grid.rule

        var out: [String] = []
        out.append("\(board.schemeName)  期间 Period \(board.period)")
        out.append("方案 Scheme sha256 \(board.schemeSHA256)")
        out.append("")
        out.append(line(columns.map(\.title)))
        out.append(rule)
        out += unitRows.map(line)
        out.append(rule)
        out.append(line(overallRow))
        out.append("")
        let g = board.grades
        out.append("等次 Grades: 优秀 excellent >= \(g.excellent.plainString()); "
                   + "良 good >= \(g.good.plainString()); "
                   + "一般 average >= \(g.average.plainString()); "
                   + "差 poor < \(g.average.plainString())")
        let w = board.weights
        out.append("总分 Total = 指标 x \(w.indicators.plainString()) + 公众 x \(w.public.plainString()) - 扣分, "
                   + "0-100; 各项四舍五入保留两位小数 (each rounded half-up to 2 decimals)")
        out.append("完整 Complete = 否: 缺指标数值或公众评议 (an indicator value or the survey is missing)")
        return out.joined(separator: "\n") + "\n"
    }

    /// Columns a terminal uses for `text`: 2 for East Asian Wide and Fullwidth
    /// characters (CJK ideographs, kana, Hangul, fullwidth forms), 0 for combining marks
    /// and invisible format characters, 1 for everything else.
    public static func displayWidth<S: StringProtocol>(_ text: S) -> Int { DisplayWidth.of(text) }

    // MARK: - CSV

    /// RFC 4180 CSV: `csvHeader`, one row per unit in scheme order, then an `overall`
    /// row. Lines end in CRLF; fields holding a comma, a double quote, CR or LF are
    /// quoted, with quotes doubled. Components have exactly 2 decimals; `complete` is
    /// `true`/`false`.
    ///
    /// The text starts with a UTF-8 byte-order mark: Excel on Chinese Windows reads a
    /// CSV without one as GB18030 and garbles every unit name, while with it Excel
    /// reads UTF-8. Other readers (Python's `utf-8-sig`, LibreOffice) skip the mark.
    public static func csv(_ board: Scoreboard) -> String {
        var out = "\u{FEFF}"
        out += csvLine(csvHeader)
        for s in board.units + [board.overall] {
            out += csvLine([
                s.unit?.code ?? overallCode,
                s.unit?.name ?? overallName,
                s.indicatorScore.decimalString(places: 2),
                s.publicScore.decimalString(places: 2),
                s.deductions.decimalString(places: 2),
                s.total.decimalString(places: 2),
                s.grade.rawValue,
                s.grade.chinese,
                s.complete ? "true" : "false",
            ])
        }
        return out
    }

    static func csvLine(_ fields: [String]) -> String {
        fields.map(csvField).joined(separator: ",") + "\r\n"
    }

    /// One field, quoted when RFC 4180 requires it.
    public static func csvField(_ field: String) -> String {
        let needsQuotes = field.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }
        guard needsQuotes else { return field }
        var quoted = "\""
        for ch in field {
            if ch == "\"" { quoted += "\"\"" } else { quoted.append(ch) }
        }
        return quoted + "\""
    }
}
