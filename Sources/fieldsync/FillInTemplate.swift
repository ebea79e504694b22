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
///
/// Corrections (SPEC §4.1): a hidden 基于版本 column holds the revision of each row's id
/// in force when the workbook was made (0: none yet), and a row with something already
/// in force shows it, so that the clerk changes only what is wrong. Intake makes a
/// changed row the next revision; copies of the workbook are ordered by when they were
/// saved, which the workbook's document properties say.
struct FillInTemplate {
    /// One row to fill: its stable id and what it is about.
    struct Row {
        var id: String
        var kind: RecordKind
        var unit: SchemeUnit
        var indicator: Indicator?
    }

    let source: Source
    let scheme: Scheme
    /// The day the template is made (`YYYY-MM-DD`, the office's zone): the date a new
    /// row's value holds, and part of the ids of inspections and surveys.
    let day: String

    /// The rows of the source's workbook, in scheme order.
    var rows: [Row] {
        switch source.role {
        case .reporter:
            guard let code = source.unit, let unit = scheme.units.first(where: { $0.code == code }) else { return [] }
            return scheme.indicators.filter { $0.applies(to: code) }.map {
                Row(id: "\(source.name)-\(scheme.period)-\($0.code)", kind: .report, unit: unit, indicator: $0)
            }
        case .inspector:
            return scheme.units.flatMap { unit in
                scheme.indicators.filter { $0.applies(to: unit.code) }.map {
                    Row(id: "\(source.name)-\(scheme.period)-\(unit.code)-\($0.code)-\(day)", kind: .spotcheck, unit: unit, indicator: $0)
                }
            }
        case .survey:
            return scheme.units.map { Row(id: "\(source.name)-\(scheme.period)-\($0.code)-\(day)", kind: .survey, unit: $0) }
        }
    }

    /// The workbook, with `inForce` (the store's revisions in force of the rows' ids)
    /// shown and recorded as what each row is based on; saved at `madeAt`.
    func workbook(inForce: [String: Record], madeAt: Timestamp) -> Workbook {
        let survey = source.role == .survey
        let header = survey
            ? ["编号", "类型", "期间", "单位", "填写说明", "得分", "参评人数", "日期", "备注", "填报人", "基于版本"]
            : ["编号", "类型", "期间", "单位", "指标", "方面", "满分", "目标", "填写说明", "数值", "日期", "备注", "填报人", "基于版本"]
        var sheetRows: [[Workbook.Cell]] = [header.map(Workbook.Cell.text)]
        var yesNo: [String] = [], numbers: [String] = []
        for row in rows {
            let current = inForce[row.id]
            let shown = current?.action == .upsert ? current : nil
            let line = sheetRows.count + 1
            var cells: [Workbook.Cell] = [.text(row.id), .text(row.kind.chineseName), .text(scheme.period), .text(row.unit.name)]
            if let indicator = row.indicator {
                let target = indicator.target(for: row.unit.code)
                cells += [.text(indicator.name), .text(indicator.aspect.chinese), .plainNumber(indicator.points.plainString()),
                          target.map { .plainNumber($0.plainString()) } ?? .text("-"), .text(Self.guide(indicator, target: target))]
                if indicator.rule == .boolean {
                    cells.append(shown?.value.map { .text($0 == "1" ? "是" : "否") } ?? .empty)
                    yesNo.append("J\(line)")
                } else {
                    cells.append(Self.number(shown?.value))
                    numbers.append("J\(line)")
                }
            } else {
                cells += [.text("填测评得分(0–100)和参评人数 / score 0–100 and respondents"),
                          Self.number(shown?.score), Self.number(shown?.respondents.map(String.init))]
                numbers += ["F\(line)", "G\(line)"]
            }
            cells += [.text(shown.map { Self.date($0.observedAt, scheme.timeZone) } ?? day),
                      shown?.note.map(Workbook.Cell.text) ?? .empty, shown?.by.map(Workbook.Cell.text) ?? .empty,
                      .plainNumber(String(current?.revision ?? 0))]
            sheetRows.append(cells)
        }
        let data = Workbook.Sheet(name: "数据", rows: sheetRows, validations: [
            Workbook.Validation(rule: .list(["是", "否"]), cells: yesNo, message: "请选“是”或“否” / choose 是 (yes) or 否 (no)"),
            Workbook.Validation(rule: .nonNegativeNumber, cells: numbers, message: "请填不小于 0 的数 / a number, 0 or more"),
        ], hiddenColumns: [header.count - 1])
        let about = Workbook.Sheet(name: "说明", rows: guide.map { [.text($0)] })
        return Workbook(sheets: [data, about], savedAt: madeAt)
    }

    private var guide: [String] {
        [
            "填写说明 / How to fill this workbook",
            "\(scheme.name) · 期间 \(scheme.period) · 报送目录 \(source.name)",
            "1. 只填“数值”列(测评表填“得分”“参评人数”);可改“日期”(数值所对应的日期)和“备注”。 / Fill only the value column (for surveys: score and respondents); you may change the date (when the value held) and the note.",
            "2. 其他列不要修改:编号、类型、期间、单位、指标已预先填好。 / Leave the other columns as they are: id, kind, period, unit and indicator are filled in.",
            "3. 没有数据的行留空即可,不会被报送。 / Leave a row empty if there is nothing to report: it is skipped.",
            "4. 方面、满分、目标、填写说明仅供参考,系统不读取。 / Aspect, points, target and the guide are for information; they are not read.",
            "5. 填好后以 .xlsx 保存(可用 Excel、WPS 或 LibreOffice),放入报送目录 \(source.path)。 / Save as .xlsx (Excel, WPS or LibreOffice) and drop it into \(source.path).",
            "6. 系统会在 receipts/ 写回执;有问题时在 rejected/ 写明第几行、哪一列、什么原因。 / A receipt appears in receipts/; if something is wrong, rejected/ says which row, which column and why.",
            "7. 同一文件重复提交不会重复计分。 / Dropping the same file twice changes nothing.",
            "8. 发现填错:直接在这份表格里改正、保存,再放入报送目录即可,系统记为新的版本;不要改“编号”。较早保存的副本不会覆盖较新的数据。 / To correct a value, change it in this workbook, save it and drop it again: it becomes the next revision (do not touch the ids). An older copy of the workbook dropped later never replaces newer data.",
            "9. 已有数据的行显示当前采用的数值;未改动的行不会产生新版本。 / Rows with data already in force show it; rows left unchanged make no new revision.",
        ]
    }

    private static func guide(_ indicator: Indicator, target: Exact?) -> String {
        switch indicator.rule {
        case .boolean: "填“是”或“否” / yes or no"
        case .ratio, .threshold: "填实际完成数(目标 \(target?.plainString() ?? "-")) / the number achieved"
        case .deduct: "填发生起数(整数) / how many incidents (a whole number)"
        case .manual: "填评定分(0–\(indicator.points.plainString())) / the points awarded"
        }
    }

    /// A stored number as a number cell when a spreadsheet keeps it exactly (15
    /// significant digits), else as its text: either reads back as the same number.
    private static func number(_ text: String?) -> Workbook.Cell {
        guard let text else { return .empty }
        let digits = text.filter(\.isNumber).drop(while: { $0 == "0" })
        return digits.count <= 15 ? .plainNumber(text) : .text(text)
    }

    /// When a value held, in the scheme's zone: the day alone when it is midnight there,
    /// else the time with its offset; either reads back as the same instant.
    static func date(_ t: Timestamp, _ zone: TimeZone) -> String {
        let offset = zone.secondsFromGMT(for: t.date)
        let shifted = Timestamp(microseconds: t.microseconds + Int64(offset) * 1_000_000).iso8601
        if shifted.dropFirst(10).hasPrefix("T00:00:00Z") { return String(shifted.prefix(10)) }
        let sign = offset < 0 ? "-" : "+"
        return shifted.dropLast() + sign + String(format: "%02d:%02d", abs(offset) / 3600, abs(offset) / 60 % 60)
    }
}
