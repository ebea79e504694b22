import FieldsyncModel
import FieldsyncProtocol
import FieldsyncWorkbook
import Foundation

/// The fill-in workbook of a source (`fieldsync template`): a 数据 sheet with a row per
/// thing to report, everything pre-filled but the value, and a 说明 sheet saying how to
/// fill and drop it.
///
/// For a county (reporter): one row per indicator that applies to its unit. For the
/// inspectors: a spot-check row per unit and indicator. For the survey office: a row per
/// unit. The rows' ids are stable (the source, the period, what the row is about, and
/// for inspections and surveys the day the template was made), so the same workbook
/// dropped twice is a no-op. A row left without a value is skipped, not refused. The
/// columns 方面, 满分, 目标 and 填写说明 are for the clerk's information only: intake does
/// not read them.
enum FillInTemplate {
    static func workbook(source: Source, scheme: Scheme, day: String) -> Workbook {
        let header = ["编号", "类型", "期间", "单位", "指标", "方面", "满分", "目标", "填写说明", "数值", "日期", "备注", "填报人"]
        var rows: [[Workbook.Cell]] = [header.map(Workbook.Cell.text)]
        var yesNo: [String] = [], numbers: [String] = []
        let valueColumn = "J"
        func indicatorRow(id: String, kind: RecordKind, unit: SchemeUnit, indicator: Indicator) {
            let target = indicator.target(for: unit.code)
            let guide: String
            switch indicator.rule {
            case .boolean: guide = "填“是”或“否” / yes or no"
            case .ratio, .threshold: guide = "填实际完成数(目标 \(target?.plainString() ?? "-")) / the number achieved"
            case .deduct: guide = "填发生起数(整数) / how many incidents (a whole number)"
            case .manual: guide = "填评定分(0–\(indicator.points.plainString())) / the points awarded"
            }
            rows.append([.text(id), .text(kind.chineseName), .text(scheme.period), .text(unit.name), .text(indicator.name),
                         .text(indicator.aspect.chinese), .plainNumber(indicator.points.plainString()),
                         target.map { .plainNumber($0.plainString()) } ?? .text("-"), .text(guide), .empty, .text(day)])
            let cell = valueColumn + String(rows.count)
            if indicator.rule == .boolean { yesNo.append(cell) } else { numbers.append(cell) }
        }
        switch source.role {
        case .reporter:
            if let code = source.unit, let unit = scheme.units.first(where: { $0.code == code }) {
                for indicator in scheme.indicators where indicator.applies(to: code) {
                    indicatorRow(id: "\(source.name)-\(scheme.period)-\(indicator.code)", kind: .report, unit: unit, indicator: indicator)
                }
            }
        case .inspector:
            for unit in scheme.units {
                for indicator in scheme.indicators where indicator.applies(to: unit.code) {
                    indicatorRow(id: "\(source.name)-\(scheme.period)-\(unit.code)-\(indicator.code)-\(day)", kind: .spotcheck,
                                 unit: unit, indicator: indicator)
                }
            }
        case .survey:
            rows[0] = ["编号", "类型", "期间", "单位", "填写说明", "得分", "参评人数", "日期", "备注", "填报人"].map(Workbook.Cell.text)
            for unit in scheme.units {
                rows.append([.text("\(source.name)-\(scheme.period)-\(unit.code)-\(day)"), .text(RecordKind.survey.chineseName),
                             .text(scheme.period), .text(unit.name), .text("填测评得分(0–100)和参评人数 / score 0–100 and respondents"),
                             .empty, .empty, .text(day)])
                numbers.append("F\(rows.count)")
                numbers.append("G\(rows.count)")
            }
        }
        let data = Workbook.Sheet(name: "数据", rows: rows, validations: [
            Workbook.Validation(rule: .list(["是", "否"]), cells: yesNo, message: "请选“是”或“否” / choose 是 (yes) or 否 (no)"),
            Workbook.Validation(rule: .nonNegativeNumber, cells: numbers, message: "请填不小于 0 的数 / a number, 0 or more"),
        ])
        let guide: [String] = [
            "填写说明 / How to fill this workbook",
            "\(scheme.name) · 期间 \(scheme.period) · 报送目录 \(source.name)",
            "1. 只填“数值”列(测评表填“得分”“参评人数”);可改“日期”(数值所对应的日期)和“备注”。 / Fill only the value column (for surveys: score and respondents); you may change the date (when the value held) and the note.",
            "2. 其他列不要修改:编号、类型、期间、单位、指标已预先填好。 / Leave the other columns as they are: id, kind, period, unit and indicator are filled in.",
            "3. 没有数据的行留空即可,不会被报送。 / Leave a row empty if there is nothing to report: it is skipped.",
            "4. 方面、满分、目标、填写说明仅供参考,系统不读取。 / Aspect, points, target and the guide are for information; they are not read.",
            "5. 填好后以 .xlsx 保存(可用 Excel、WPS 或 LibreOffice),放入报送目录 \(source.path)。 / Save as .xlsx (Excel, WPS or LibreOffice) and drop it into \(source.path).",
            "6. 系统会在 receipts/ 写回执;有问题时在 rejected/ 写明第几行、哪一列、什么原因。 / A receipt appears in receipts/; if something is wrong, rejected/ says which row, which column and why.",
            "7. 同一文件重复提交不会重复计分。 / Dropping the same file twice changes nothing.",
        ]
        let about = Workbook.Sheet(name: "说明", rows: guide.map { [.text($0)] })
        return Workbook(sheets: [data, about])
    }
}
