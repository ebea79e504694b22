import FieldsyncModel

/// One unit's scores for people, indicator by indicator (`fieldsync scores --unit U`):
/// what each indicator was worth, its target, the value in force and where it came from
/// (自评 self-report or 抽查 spot-check), the points earned, a discrepancy between the two
/// (反弄虚作假); then the public evaluation, each finding, and the components of the
/// total — so a clerk can see where the unit's points went.
public enum UnitTable {
    /// nil when the scoreboard has no unit of that code.
    public static func table(_ board: Scoreboard, unit code: String) -> String? {
        guard let score = board.unit(code), let unit = score.unit else { return nil }
        let titles = ["指标 Indicator", "满分 Points", "目标 Target", "数值 Value", "来源 Source", "得分 Score", "核查 Check"]
        let right: Set<Int> = [1, 2, 3, 5]
        let rows: [[String]] = score.indicators.map { row in
            ["\(row.indicator.name) \(row.indicator.code)",
                    row.indicator.points.plainString(),
                    row.target?.plainString() ?? "-",
                    row.value?.plainString() ?? "-",
                    row.source.label,
                    row.score.decimalString(places: 2),
                    row.discrepancy ? "不符 discrepancy" : row.met ? "达标 met" : ""]
        }
        let grid = TextGrid(titles: titles, rows: rows, rightAligned: right)
        let line = grid.line
        var out: [String] = []
        out.append("\(unit.name) \(unit.code) — \(board.schemeName)  期间 Period \(board.period)")
        out.append("总分 Total \(score.total.decimalString(places: 2))  等次 Grade \(score.grade.chinese) \(score.grade.rawValue)")
        out.append("")
        out.append(line(titles))
        out.append(grid.rule)
        out += rows.map(line)
        out.append("")
        out.append("指标得分 Indicator score \(score.indicatorScore.decimalString(places: 2)) (= 100 × 得分之和 ÷ 适用满分 Σ score ÷ Σ points)")
        out.append("公众评议 Public evaluation \(score.publicScore.decimalString(places: 2)), 参评 \(score.respondents) respondents")
        if score.findings.isEmpty {
            out.append("问题 Findings: 无 none")
        } else {
            out.append("问题 Findings:")
            for finding in score.findings {
                out.append("  \(finding.id)  扣 −\(finding.deduction.plainString())" + (finding.note.map { "  \($0)" } ?? ""))
            }
        }
        if score.discrepancies > 0 {
            out.append("自评与抽查不符 Discrepancies: \(score.discrepancies) (each deducted as the scheme says)")
        }
        out.append("扣分 Deductions \(score.deductions.decimalString(places: 2))")
        out.append("完整 Complete: " + (score.complete ? "是 yes" : "否 no — 缺指标数值或公众评议 (an indicator value or the survey is missing)"))
        return out.joined(separator: "\n") + "\n"
    }
}
