import FieldsyncProtocol

/// The report a leadership meeting reads (绩效评估报告): one self-contained HTML page per
/// office and period, rendered from its scores document alone — `fieldsync report`
/// writes it, central serves the same page for the document it holds.
///
/// Self-contained: inline CSS and SVG, no script, no URL or path to anything else.
/// Printable on A4: print styles, charts and table rows never split across pages,
/// table headers repeated, and the traceability line (office, period, scheme and its
/// sha256, sequence, generation time) on every page. Every text from a document — a
/// unit's name, a note — is escaped: it shows as text, never as markup. Chinese first,
/// English beside it.
public enum Report {
    /// The page for `document`.
    public static func html(_ document: JSONValue) -> String {
        let d = ReportData(document)
        let e = HTMLText.escape
        let title = "\(d.schemeName) · \(d.period) 绩效评估报告 Performance evaluation report"
        var html = """
            <!DOCTYPE html>
            <html lang="zh-CN">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(e(title))</title>
            <style>\(style)</style>
            </head>
            <body>
            <footer class="trace">\(e(trace(d)))</footer>
            <header>
            <h1>\(e(d.schemeName)) <span class="period">\(e(d.period))</span></h1>
            <p class="sub">绩效评估报告 Performance evaluation report · 单位 Office \(e(d.office))</p>
            </header>

            """
        guard !d.units.isEmpty || d.overall.rows.contains(where: { $0.value != nil }) else {
            return html + "<p class=\"empty\">尚无数据 No data yet: 本期间尚未收到任何记录。 No record has been received for this period.</p>\n</body>\n</html>\n"
        }
        html += headline(d)
        html += ranking(d)
        html += scorecard(d)
        html += weakPoints(d)
        html += verification(d)
        html += publicEvaluation(d)
        html += trend(d)
        return html + "</body>\n</html>\n"
    }

    /// Office, period, scheme, sequence and time: on every printed page.
    static func trace(_ d: ReportData) -> String {
        "\(d.office) · 期间 Period \(d.period) · 方案 Scheme \(d.schemeName) sha256 \(d.schemeSHA256) · "
            + "序号 Sequence \(d.sequence) · 生成 Generated \(d.local(d.generatedAt))"
    }

    private static func gradeCell(_ s: ReportData.Score) -> String {
        #"<td class="grade" style="color:\#(ReportCharts.colour(s.grade))">\#(HTMLText.escape(s.gradeZh)) \#(HTMLText.escape(s.grade))</td>"#
    }

    static func headline(_ d: ReportData) -> String {
        let e = HTMLText.escape
        let missing = d.units.reduce(0) { $0 + $1.rows.filter { $0.value == nil }.count }
        let incomplete = d.units.filter { !$0.complete }
        var out = """
            <section class="keep" id="headline">
            <h2>总体结果 Headline</h2>
            <p class="big">总分 Total <b>\(e(ReportNumber.two(d.overall.total)))</b> \
            <span class="gradebig" style="color:\(ReportCharts.colour(d.overall.grade))">\(e(d.overall.gradeZh)) \(e(d.overall.grade))</span></p>
            <p>指标得分 Indicators \(e(ReportNumber.two(d.overall.indicatorScore))) · 公众评议 Public \(e(ReportNumber.two(d.overall.publicScore))) · \
            扣分 Deductions \(e(ReportNumber.two(d.overall.deductions)))</p>

            """
        if let w = d.weights {
            out += "<p>总分 = 指标得分 × \(e(w.indicators)) + 公众评议 × \(e(w.public)) − 扣分 · Total = indicators × \(e(w.indicators)) + public × \(e(w.public)) − deductions</p>\n"
        }
        if let g = d.grades {
            out += "<p>等次 Grades: 优秀 excellent ≥ \(e(g.excellent)) · 良 good ≥ \(e(g.good)) · 一般 average ≥ \(e(g.average)) · 差 poor &lt; \(e(g.average))</p>\n"
        }
        out += "<p>数据完整性 Completeness: \(d.units.count) 个单位 units; \(missing) 项指标无数值 indicator values missing; "
        out += incomplete.isEmpty ? "全部完整 all complete" : "不完整 incomplete: " + incomplete.map { e($0.name) }.joined(separator: "、")
        return out + "</p>\n</section>\n"
    }

    static func ranking(_ d: ReportData) -> String {
        let e = HTMLText.escape
        var out = """
            <section id="ranking">
            <h2>排名 Ranking</h2>
            <div class="keep">\(ReportCharts.ranking(d.units, grades: d.grades))</div>
            <table><thead><tr><th>单位 Unit</th><th>指标得分 Indicators</th><th>公众评议 Public</th><th>扣分 Deductions</th>\
            <th>总分 Total</th><th>等次 Grade</th></tr></thead><tbody>

            """
        for u in d.units {
            out += "<tr><td>\(e(u.name))</td><td class=\"n\">\(e(ReportNumber.two(u.indicatorScore)))</td><td class=\"n\">\(e(ReportNumber.two(u.publicScore)))</td>"
            out += "<td class=\"n\">\(e(ReportNumber.two(u.deductions)))</td><td class=\"n\"><b>\(e(ReportNumber.two(u.total)))</b></td>\(gradeCell(u))</tr>\n"
        }
        out += "<tr class=\"overall\"><td>总体 Overall</td><td class=\"n\">\(e(ReportNumber.two(d.overall.indicatorScore)))</td><td class=\"n\">\(e(ReportNumber.two(d.overall.publicScore)))</td>"
        out += "<td class=\"n\">\(e(ReportNumber.two(d.overall.deductions)))</td><td class=\"n\"><b>\(e(ReportNumber.two(d.overall.total)))</b></td>\(gradeCell(d.overall))</tr>\n"
        return out + "</tbody></table>\n</section>\n"
    }

    /// The most cells the scorecard draws: a document may have 10,000 units and 1,000
    /// indicators, and a page of ten million cells helps no meeting (and would let one
    /// document make central build hundreds of megabytes).
    static let scorecardCells = 20_000

    /// Units × indicators, coloured by the share of points earned.
    static func scorecard(_ d: ReportData) -> String {
        let e = HTMLText.escape
        let indicators = d.overall.rows
        guard d.units.count * max(1, indicators.count) <= scorecardCells else {
            return "<section id=\"scorecard\">\n<h2>得分矩阵 Scorecard</h2>\n<p>单位与指标过多(\(d.units.count) × \(indicators.count)),不绘制得分矩阵;"
                + "见下方薄弱环节。 Too many units and indicators (\(d.units.count) × \(indicators.count)) to draw: see the weak points below.</p>\n</section>\n"
        }
        var out = """
            <section id="scorecard">
            <h2>得分矩阵 Scorecard</h2>
            <p class="legend">颜色:得分占满分比例 Colour: share of points earned · ✓ 抽查核实 verified · ! 反弄虚作假:自报高于核实 discrepancy · – 无数值 no value</p>
            <table class="heat"><thead><tr><th>单位 Unit</th>\(indicators.indices.map { "<th title=\"\(e(indicators[$0].name))\">\($0 + 1)</th>" }.joined())</tr></thead><tbody>

            """
        for u in d.units {
            out += "<tr><td>\(e(u.name))</td>"
            let rows = Dictionary(u.rows.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
            for ind in indicators {
                guard let row = rows[ind.code] else {
                    out += "<td class=\"na\"></td>"
                    continue
                }
                let share = ReportNumber.share(score: row.score, points: row.points)
                let mark = row.value == nil ? "–" : row.discrepancy ? "!" : row.source == "spotcheck" ? "✓" : ""
                out += #"<td style="background:hsl(\#(Int(share * 120)),65%,\#(row.value == nil ? 92 : 78)%)" title="\#(e(row.name)): \#(e(row.value ?? "-")) / \#(e(row.target ?? "-"))">\#(mark)</td>"#
            }
            out += "</tr>\n"
        }
        out += "</tbody></table>\n<ol class=\"indicators\">"
        out += indicators.map { "<li>\(e($0.name)) <span class=\"code\">\(e($0.code))</span> · 满分 points \(e($0.points ?? "-"))</li>" }.joined()
        return out + "</ol>\n</section>\n"
    }

    /// For each unit and the office overall: indicators short of their target.
    static func weakPoints(_ d: ReportData) -> String {
        let e = HTMLText.escape
        var out = "<section id=\"weak\">\n<h2>薄弱环节 Weak points</h2>\n"
        for s in [d.overall] + d.units {
            // Each row's points lost, worked out once; the most lost first (ties in scheme order).
            let short = s.rows.filter { !$0.met }.map { (row: $0, lost: ReportNumber.lost(points: $0.points, score: $0.score)) }
                .enumerated().sorted { a, b in
                    let (x, y) = (ReportNumber.position(a.element.lost), ReportNumber.position(b.element.lost))
                    return x != y ? x > y : a.offset < b.offset
                }.map(\.element)
            guard !short.isEmpty else { continue }
            let name = s.code.isEmpty ? "总体 Overall" : s.name
            out += "<div class=\"keep\"><h3>\(e(name))</h3><table><thead><tr><th>指标 Indicator</th><th>数值 Value</th><th>目标 Target</th><th>满分 Points</th><th>失分 Points lost</th></tr></thead><tbody>\n"
            for (r, lost) in short {
                out += "<tr><td>\(e(r.name))</td><td class=\"n\">\(e(r.value ?? "–"))</td><td class=\"n\">\(e(r.target ?? "–"))</td>"
                out += "<td class=\"n\">\(e(r.points ?? "–"))</td><td class=\"n\">\(e(lost))</td></tr>\n"
            }
            out += "</tbody></table></div>\n"
        }
        return out + "</section>\n"
    }

    static func verification(_ d: ReportData) -> String {
        let e = HTMLText.escape
        var out = "<section id=\"verification\">\n<h2>核查 Verification</h2>\n<h3>反弄虚作假 Discrepancies</h3>\n"
        let found = d.units.flatMap { u in u.rows.filter(\.discrepancy).map { (u, $0) } }
        if found.isEmpty {
            out += "<p>无 None.</p>\n"
        } else {
            out += "<table><thead><tr><th>单位 Unit</th><th>指标 Indicator</th><th>自报 Reported</th><th>核实 Verified</th><th>容差 Tolerance</th><th>扣分 Deduction</th></tr></thead><tbody>\n"
            for (u, r) in found {
                out += "<tr><td>\(e(u.name))</td><td>\(e(r.name))</td><td class=\"n\">\(e(r.reported ?? "–"))</td><td class=\"n\">\(e(r.verified ?? "–"))</td>"
                out += "<td class=\"n\">\(e(d.tolerance ?? "–"))</td><td class=\"n\">\(e(d.discrepancyDeduction ?? "–"))</td></tr>\n"
            }
            out += "</tbody></table>\n"
        }
        out += "<h3>问题扣分 Findings</h3>\n"
        let findings = d.units.flatMap { u in u.findings.map { (u, $0) } }
        if findings.isEmpty { return out + "<p>无 None.</p>\n</section>\n" }
        out += "<table><thead><tr><th>单位 Unit</th><th>编号 Id</th><th>扣分 Deduction</th><th>说明 Note</th></tr></thead><tbody>\n"
        for (u, f) in findings {
            out += "<tr><td>\(e(u.name))</td><td>\(e(f.id))</td><td class=\"n\">\(e(f.deduction))</td><td>\(e(f.note ?? ""))</td></tr>\n"
        }
        return out + "</tbody></table>\n</section>\n"
    }

    static func publicEvaluation(_ d: ReportData) -> String {
        let e = HTMLText.escape
        var out = "<section id=\"public\" class=\"keep\">\n<h2>公众评议 Public evaluation</h2>\n"
        out += "<table><thead><tr><th>单位 Unit</th><th>得分 Score</th><th>参评人数 Respondents</th></tr></thead><tbody>\n"
        for u in d.units {
            out += "<tr><td>\(e(u.name))</td><td class=\"n\">\(e(ReportNumber.two(u.publicScore)))</td><td class=\"n\">\(e(u.respondents))</td></tr>\n"
        }
        out += "<tr class=\"overall\"><td>总体 Overall</td><td class=\"n\">\(e(ReportNumber.two(d.overall.publicScore)))</td><td class=\"n\">\(e(d.overall.respondents))</td></tr>\n"
        return out + "</tbody></table>\n</section>\n"
    }

    static func trend(_ d: ReportData) -> String {
        let e = HTMLText.escape
        var out = "<section id=\"trend\" class=\"keep\">\n<h2>总分变化 Trend</h2>\n"
        guard d.trend.count > 1 else {
            return out + "<p>仅有一次评分,暂无变化 Only one scored sequence so far: no trend yet.</p>\n</section>\n"
        }
        out += ReportCharts.trend(d.trend, units: d.units)
        out += "<p class=\"legend\">" + d.units.enumerated().map { k, u in
            #"<span style="color:\#(ReportCharts.palette[k % ReportCharts.palette.count])">■</span> \#(e(u.name))"#
        }.joined(separator: " ") + " <b>—</b> 总体 Overall</p>\n"
        return out + "</section>\n"
    }

    static let style = """
        body{font-family:"Noto Sans CJK SC","Noto Sans SC","Source Han Sans SC","WenQuanYi Micro Hei",sans-serif;margin:24px;color:#222;font-size:13px}\
        h1{font-size:22px;margin:0}h1 .period{color:#555}h2{font-size:17px;border-bottom:2px solid #333;padding-bottom:2px;margin-top:22px}\
        h3{font-size:14px;margin:12px 0 4px}.sub{color:#555;margin:2px 0 12px}.big{font-size:20px}.gradebig{font-weight:bold;margin-left:8px}\
        table{border-collapse:collapse;margin:6px 0;width:100%}th,td{border:1px solid #bbb;padding:2px 5px;text-align:left}\
        th{background:#eee}td.n{text-align:right;font-variant-numeric:tabular-nums}tr.overall td{font-weight:bold;background:#f6f6f6}\
        table.heat{width:auto}table.heat td{text-align:center;min-width:16px;padding:1px 2px;font-size:11px}table.heat th{font-size:10px;padding:1px 2px}table.heat td:first-child{text-align:left;white-space:nowrap}\
        .code{color:#777;font-size:11px}.legend{color:#555;font-size:12px}ol.indicators{columns:2;font-size:11px;color:#444}\
        svg.chart{width:100%;max-width:760px;height:auto}svg .label{text-anchor:end;font-size:12px}svg .value{font-size:11px}\
        svg .band{stroke:#555;stroke-dasharray:4 3}svg .bandlabel{font-size:10px;text-anchor:middle;fill:#555}\
        svg .grid{stroke:#ddd}svg .tick{font-size:10px;text-anchor:end;fill:#555}svg .seq{font-size:9px;text-anchor:middle;fill:#555}\
        svg .unitline{fill:none;stroke-width:1.5}svg .overallline{fill:none;stroke:#000;stroke-width:3}\
        .trace{font-size:9px;color:#666;border-top:1px solid #ccc;padding-top:2px;margin-top:16px}.empty{font-size:16px;color:#555}\
        @page{size:A4;margin:14mm 12mm 16mm}\
        @media print{body{margin:0;font-size:11px}.trace{position:fixed;bottom:0;left:0;right:0;background:#fff}\
        thead{display:table-header-group}tr,svg,.keep{break-inside:avoid}h2,h3{break-after:avoid}}
        """
}
