/// The report's charts as inline SVG: no script, no font or image from outside, text
/// escaped like the rest of the page.
enum ReportCharts {
    /// Colour of a grade (`excellent` …), the same in bars, tables and legend.
    static func colour(_ grade: String) -> String {
        switch grade {
        case "excellent": "#2e7d32"
        case "good": "#1565c0"
        case "average": "#ef8f00"
        default: "#c62828"
        }
    }

    /// Units by total, longest bar first, with the grade bounds drawn across.
    static func ranking(_ units: [ReportData.Score], grades: (excellent: String, good: String, average: String)?) -> String {
        let e = HTMLText.escape
        let sorted = units.enumerated().sorted { a, b in
            let (x, y) = (ReportNumber.position(a.element.total), ReportNumber.position(b.element.total))
            return x != y ? x > y : a.offset < b.offset
        }.map(\.element)
        let labelWidth = 150.0, barWidth = 420.0, rowHeight = 22.0, top = 24.0
        let height = top + Double(sorted.count) * rowHeight + 8
        func x(_ value: Double) -> Double { labelWidth + barWidth * max(0, min(100, value)) / 100 }
        var svg = #"<svg class="chart" viewBox="0 0 \#(Int(labelWidth + barWidth + 60)) \#(Int(height))" role="img" aria-label="总分排名 Ranking by total">"#
        if let grades {
            for (bound, label) in [(grades.excellent, "优秀"), (grades.good, "良"), (grades.average, "一般")] {
                let at = x(ReportNumber.position(bound))
                svg += #"<line x1="\#(at)" y1="\#(top - 6)" x2="\#(at)" y2="\#(height - 4)" class="band"/>"#
                svg += #"<text x="\#(at)" y="\#(top - 10)" class="bandlabel">\#(e(label)) \#(e(bound))</text>"#
            }
        }
        for (i, unit) in sorted.enumerated() {
            let y = top + Double(i) * rowHeight
            let end = x(ReportNumber.position(unit.total))
            svg += #"<text x="\#(labelWidth - 6)" y="\#(y + 15)" class="label">\#(e(unit.name))</text>"#
            svg += #"<rect x="\#(labelWidth)" y="\#(y + 3)" width="\#(max(0, end - labelWidth))" height="\#(rowHeight - 6)" fill="\#(colour(unit.grade))"/>"#
            svg += #"<text x="\#(end + 4)" y="\#(y + 15)" class="value">\#(e(ReportNumber.two(unit.total)))</text>"#
        }
        return svg + "</svg>"
    }

    /// Each unit's total over the scored sequences, and the overall's, as lines.
    static func trend(_ points: [ReportData.TrendPoint], units: [ReportData.Score]) -> String {
        let e = HTMLText.escape
        let left = 40.0, width = 560.0, top = 10.0, plot = 220.0
        let n = points.count
        func x(_ i: Int) -> Double { n > 1 ? left + width * Double(i) / Double(n - 1) : left + width / 2 }
        func y(_ value: Double) -> Double { top + plot * (1 - max(0, min(100, value)) / 100) }
        var svg = #"<svg class="chart" viewBox="0 0 \#(Int(left + width + 20)) \#(Int(top + plot + 40))" role="img" aria-label="总分变化 Totals over the scored sequences">"#
        for tick in stride(from: 0, through: 100, by: 20) {
            svg += #"<line x1="\#(left)" y1="\#(y(Double(tick)))" x2="\#(left + width)" y2="\#(y(Double(tick)))" class="grid"/>"#
            svg += #"<text x="\#(left - 4)" y="\#(y(Double(tick)) + 4)" class="tick">\#(tick)</text>"#
        }
        for (i, point) in points.enumerated() {
            svg += #"<text x="\#(x(i))" y="\#(top + plot + 16)" class="seq">#\#(e(point.sequence))</text>"#
        }
        for (k, unit) in units.enumerated() {
            let coords = points.enumerated().compactMap { i, p in p.units[unit.code].map { "\(x(i)),\(y(ReportNumber.position($0)))" } }
            guard !coords.isEmpty else { continue }
            svg += #"<polyline points="\#(coords.joined(separator: " "))" class="unitline" stroke="\#(palette[k % palette.count])"><title>\#(e(unit.name))</title></polyline>"#
        }
        let overall = points.enumerated().map { i, p in "\(x(i)),\(y(ReportNumber.position(p.overall)))" }
        svg += #"<polyline points="\#(overall.joined(separator: " "))" class="overallline"><title>总体 Overall</title></polyline>"#
        return svg + "</svg>"
    }

    /// Line colours for units, told apart in print.
    static let palette = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#1f78b4",
                          "#b2df8a", "#fb9a99", "#cab2d6", "#6a3d9a"]
}
