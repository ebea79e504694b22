import FieldsyncProtocol
import FieldsyncReport
import Foundation

/// The city scoreboard served at `GET /`: one self-contained HTML page (no scripts, no
/// external assets) showing, for every office and period, its latest scores document.
///
/// Labels are Chinese with English beside them, for the office staff and for visitors.
/// Numbers are shown exactly as the office sent them. Every text from a document is
/// HTML-escaped.
public enum ScoreboardPage {
    /// Renders the page for `documents` (the latest of each office/period).
    /// Renders page `page` (from 0) of `pages` for `documents` (the latest of each
    /// office/period on that page).
    public static func render(_ documents: [StoredDocument], page: Int = 0, pages: Int = 1, now: Date = Date()) -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="zh-CN">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta http-equiv="refresh" content="60">
            <title>人防绩效评估计分板 Civil-air-defence performance scoreboard</title>
            <style>\(style)</style>
            </head>
            <body>
            <h1>人防绩效评估计分板 <span class="en">Civil-air-defence performance scoreboard</span></h1>
            <p class="meta">页面生成 Page generated \(HTMLText.escape(Timestamp(now).iso8601Seconds))</p>

            """
        if documents.isEmpty {
            html += "<p class=\"empty\">尚未收到评分文档 No scores document received yet.</p>\n"
        } else {
            html += overview(documents)
            if pages > 1 {
                html += "<p class=\"meta\">第 \(page + 1) / \(pages) 页 Page \(page + 1) of \(pages)"
                if page > 0 { html += " · <a href=\"/?page=\(page - 1)\">上一页 Previous</a>" }
                if page + 1 < pages { html += " · <a href=\"/?page=\(page + 1)\">下一页 Next</a>" }
                html += "</p>\n"
            }
        }
        for document in documents {
            html += section(for: document)
        }
        html += "</body>\n</html>\n"
        return html
    }

    /// Every office and period at a glance: its latest overall total and grade, and a
    /// link to its report.
    static func overview(_ documents: [StoredDocument]) -> String {
        let e = HTMLText.escape
        var html = """
            <table class="overview"><thead><tr><th>单位 Office</th><th>期间 Period</th><th>总分 Total</th><th>等次 Grade</th>\
            <th>报告 Report</th></tr></thead><tbody>

            """
        for stored in documents {
            let overall = (try? JSONParser.parse(stored.body))?["overall"]
            let grade = text(overall?["grade"])
            let office = stored.identity.office, period = stored.identity.period
            let link = "/report/\(percentEncoded(office))/\(percentEncoded(period))"
            html += "<tr><td>\(e(office))</td><td>\(e(period))</td><td class=\"num total\">\(e(text(overall?["total"])))</td>"
            html += "<td class=\"grade-\(e(grade))\">\(e(Grade(rawValue: grade)?.chinese ?? "")) \(e(grade))</td>"
            html += "<td><a href=\"\(e(link))\">报告 Report</a></td></tr>\n"
        }
        return html + "</tbody></table>\n"
    }

    /// A code for a path segment (codes are letters, digits, `.`, `_`, `-`: unchanged).
    private static func percentEncoded(_ code: String) -> String {
        code.addingPercentEncoding(withAllowedCharacters: CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._"))) ?? ""
    }

    private static func section(for stored: StoredDocument) -> String {
        let e = HTMLText.escape
        let identity = stored.identity
        var html = "<section>\n<h2>\(e(identity.office)) · 周期 Period \(e(identity.period))</h2>\n"
        guard let document = try? JSONParser.parse(stored.body) else {
            return html + "<p class=\"empty\">文档无法读取 The stored document cannot be read.</p>\n</section>\n"
        }
        let schemeName = text(document["scheme"]?["name"])
        html += """
            <p class="meta">方案 Scheme \(e(schemeName)) · 序号 Sequence \(identity.sequence) · \
            生成 Generated \(e(text(document["generated_at"]))) · 接收 Received \(e(stored.receivedAt))</p>
            <table>
            <thead><tr><th>单位 Unit</th><th>指标 Indicators</th><th>公众评议 Public</th><th>扣分 Deductions</th>\
            <th>总分 Total</th><th>等次 Grade</th><th>完整 Complete</th><th class="barcell">总分 Total</th></tr></thead>
            <tbody>

            """
        if case .array(let units) = document["units"] {
            for unit in units {
                let name = text(unit["name"])
                let code = text(unit["unit"])
                html += row(unit, label: "\(e(name)) <span class=\"code\">\(e(code))</span>", className: nil)
            }
        }
        if let overall = document["overall"] {
            html += row(overall, label: "全市合计 Overall", className: "overall")
        }
        html += "</tbody>\n</table>\n</section>\n"
        return html
    }

    private static func row(_ score: JSONValue, label: String, className: String?) -> String {
        let e = HTMLText.escape
        let total = text(score["total"])
        let grade = text(score["grade"])
        let gradeZh = Grade(rawValue: grade)?.chinese ?? text(score["grade_zh"])
        let complete: String =
            switch score["complete"] {
            case .bool(true): "是 Yes"
            case .bool(false): "否 No"
            default: ""
            }
        let rowClass = className.map { " class=\"\($0)\"" } ?? ""
        return """
            <tr\(rowClass)><td>\(label)</td><td class="num">\(e(text(score["indicator_score"])))</td>\
            <td class="num">\(e(text(score["public_score"])))</td><td class="num">\(e(text(score["deductions"])))</td>\
            <td class="num total">\(e(total))</td><td class="grade-\(e(grade))">\(e(gradeZh)) \(e(grade.capitalized))</td>\
            <td>\(complete)</td><td class="barcell"><div class="bar grade-\(e(grade))" style="width:\(barWidth(total))%"></div></td></tr>

            """
    }

    /// The bar's width in percent: the total clamped to 0–100, formatted as a plain decimal.
    static func barWidth(_ total: String) -> String {
        guard let value = ScoresDocumentCheck.decimal(total) else { return "0" }
        let clamped = min(max(value, 0), 100)
        return "\(clamped)"
    }

    /// A string or number value as text; anything else as empty.
    private static func text(_ value: JSONValue?) -> String {
        switch value {
        case .string(let text), .number(let text): text
        default: ""
        }
    }

    private static let style = """
        body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:2em;color:#222;background:#fafafa}\
        h1 .en{font-size:.6em;color:#555;font-weight:normal}\
        h2{margin-top:1.5em;border-bottom:2px solid #b22;padding-bottom:.2em}\
        .meta{color:#555;font-size:.9em}.empty{color:#777;font-style:italic}\
        table{border-collapse:collapse;width:100%;background:#fff}\
        th,td{border:1px solid #ddd;padding:.35em .6em;text-align:left}th{background:#f0f0f0}\
        td.num{text-align:right;font-variant-numeric:tabular-nums}td.total{font-weight:bold}\
        .code{color:#888;font-size:.85em}tr.overall{background:#fff6e0;font-weight:bold}\
        td.barcell,th.barcell{width:30%}\
        .bar{height:1em;border-radius:2px;background:#888}\
        .bar.grade-excellent{background:#2e7d32}.bar.grade-good{background:#1565c0}\
        .bar.grade-average{background:#f9a825}.bar.grade-poor{background:#c62828}
        """
}
