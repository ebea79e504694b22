import FieldsyncScoring
import FieldsyncWorkbook

/// The scoreboard as a workbook (`scores --format xlsx`): a 总表 sheet with every unit's
/// components, total and grade (numbers shown 0.00), then one sheet per unit with its
/// indicators — points, target, value and where it came from, score, met, discrepancy —
/// and its findings.
enum ScoresWorkbook {
    static func workbook(_ board: Scoreboard) -> Workbook {
        func summary(_ s: UnitScore) -> [Workbook.Cell] {
            [.text(s.unit?.code ?? ScoreTable.overallCode), .text(s.unit?.name ?? ScoreTable.overallName),
             .number(s.indicatorScore.decimalString(places: 2)), .number(s.publicScore.decimalString(places: 2)),
             .number(s.deductions.decimalString(places: 2)), .number(s.total.decimalString(places: 2)),
             .text("\(s.grade.chinese) \(s.grade.rawValue)"), .text(s.complete ? "是 yes" : "否 no")]
        }
        var sheets = [Workbook.Sheet(name: "总表", rows: [
            ["单位代码 Unit", "单位 Name", "指标得分 Indicators", "公众评议 Public", "扣分 Deductions", "总分 Total",
             "等次 Grade", "完整 Complete"].map(Workbook.Cell.text),
        ] + board.units.map(summary) + [summary(board.overall)])]
        for score in board.units {
            guard let unit = score.unit else { continue }
            var rows: [[Workbook.Cell]] = [
                ["指标 Indicator", "代码 Code", "满分 Points", "目标 Target", "数值 Value", "来源 Source", "得分 Score",
                 "达标 Met", "自评与抽查不符 Discrepancy"].map(Workbook.Cell.text),
            ]
            for row in score.indicators {
                rows.append([.text(row.indicator.name), .text(row.indicator.code), .plainNumber(row.indicator.points.plainString()),
                             row.target.map { .plainNumber($0.plainString()) } ?? .empty,
                             row.value.map { .plainNumber($0.plainString()) } ?? .empty,
                             .text(row.source.label), .number(row.score.decimalString(places: 2)),
                             .text(row.met ? "是" : "否"), .text(row.discrepancy ? "不符" : "")])
            }
            rows.append([])
            rows.append([.text("总分 Total"), .empty, .empty, .empty, .empty, .empty, .number(score.total.decimalString(places: 2)),
                         .text("\(score.grade.chinese) \(score.grade.rawValue)")])
            rows.append([.text("公众评议 Public"), .empty, .empty, .empty, .plainNumber(String(score.respondents)), .text("参评人数 respondents"),
                         .number(score.publicScore.decimalString(places: 2))])
            for finding in score.findings {
                rows.append([.text("问题 Finding"), .text(finding.id), .empty, .empty, .empty, .text(finding.note ?? ""),
                             .number("-" + finding.deduction.plainString())])
            }
            sheets.append(Workbook.Sheet(name: unit.name, rows: rows))
        }
        return Workbook(sheets: sheets)
    }
}
