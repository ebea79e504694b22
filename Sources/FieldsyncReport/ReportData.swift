import FieldsyncProtocol
import Foundation

/// What a report shows, read from one scores document (SPEC §6, schema 1 or 2): the
/// report knows nothing else, so central renders the same report from what it holds.
///
/// Reading is lenient where a document of schema 1 lacks something (rules, reported
/// and verified values, the trend): the report then says less, never fails. Numbers
/// stay the decimal text the document has (exact); ``ReportNumber`` turns them into
/// drawing positions only.
struct ReportData {
    struct Row {
        var code: String
        var name: String
        var aspect: String
        var points: String?
        var target: String?
        var value: String?
        var source: String
        var reported: String?
        var verified: String?
        var score: String
        var met: Bool
        var discrepancy: Bool
    }

    struct Finding {
        var id: String
        var deduction: String
        var note: String?
    }

    struct Score {
        var code: String
        var name: String
        var indicatorScore: String
        var publicScore: String
        var deductions: String
        var total: String
        var grade: String
        var gradeZh: String
        var complete: Bool
        var rows: [Row]
        var respondents: String
        var findings: [Finding]
    }

    struct TrendPoint {
        var sequence: String
        var generatedAt: String
        var overall: String
        var units: [String: String]
    }

    var office: String
    var period: String
    var schemeName: String
    var schemeSHA256: String
    var sequence: String
    var generatedAt: String
    /// Rules (schema 2); nil in a schema 1 document.
    var weights: (indicators: String, public: String)?
    var grades: (excellent: String, good: String, average: String)?
    var tolerance: String?
    var discrepancyDeduction: String?
    var timeZone: TimeZone
    var overall: Score
    var units: [Score]
    var trend: [TrendPoint]

    init(_ d: JSONValue) {
        office = Self.text(d["office"])
        period = Self.text(d["period"])
        schemeName = Self.text(d["scheme"]?["name"])
        schemeSHA256 = Self.text(d["scheme"]?["sha256"])
        sequence = Self.number(d["sequence"]) ?? "0"
        generatedAt = Self.text(d["generated_at"])
        let rules = d["rules"]
        if let i = Self.number(rules?["weights"]?["indicators"]), let p = Self.number(rules?["weights"]?["public"]) {
            weights = (i, p)
        }
        if let e = Self.number(rules?["grades"]?["excellent"]), let g = Self.number(rules?["grades"]?["good"]),
           let a = Self.number(rules?["grades"]?["average"]) {
            grades = (e, g, a)
        }
        tolerance = Self.number(rules?["tolerance"])
        discrepancyDeduction = Self.number(rules?["discrepancy_deduction"])
        timeZone = TimeZone(identifier: Self.text(rules?["timezone"])) ?? TimeZone(identifier: "UTC")!
        overall = Self.score(d["overall"] ?? .null)
        if case .array(let list)? = d["units"] { units = list.map(Self.score) } else { units = [] }
        trend = []
        if case .array(let points)? = d["trend"] {
            for p in points {
                var totals: [String: String] = [:]
                if case .object(let members)? = p["units"] {
                    for (code, value) in members { totals[code] = Self.number(value) }
                }
                trend.append(TrendPoint(sequence: Self.number(p["sequence"]) ?? "", generatedAt: Self.text(p["generated_at"]),
                                        overall: Self.number(p["overall"]) ?? "0", units: totals))
            }
        }
    }

    private static func score(_ s: JSONValue) -> Score {
        var rows: [Row] = []
        if case .array(let list)? = s["indicators"] {
            rows = list.map { r in
                Row(code: text(r["code"]), name: text(r["name"]), aspect: text(r["aspect"]), points: number(r["points"]),
                    target: number(r["target"]), value: number(r["value"]), source: text(r["source"]),
                    reported: number(r["reported"]), verified: number(r["verified"]), score: number(r["score"]) ?? "0",
                    met: r["met"] == .bool(true), discrepancy: r["discrepancy"] == .bool(true))
            }
        }
        var findings: [Finding] = []
        if case .array(let list)? = s["findings"] {
            findings = list.map { f in
                Finding(id: text(f["id"]), deduction: number(f["deduction"]) ?? "0",
                        note: f["note"].flatMap { if case .string(let t) = $0 { t } else { nil } })
            }
        }
        return Score(code: text(s["unit"]), name: text(s["name"]), indicatorScore: number(s["indicator_score"]) ?? "0",
                     publicScore: number(s["public_score"]) ?? "0", deductions: number(s["deductions"]) ?? "0",
                     total: number(s["total"]) ?? "0", grade: text(s["grade"]), gradeZh: text(s["grade_zh"]),
                     complete: s["complete"] == .bool(true), rows: rows,
                     respondents: number(s["public"]?["respondents"]) ?? "0", findings: findings)
    }

    static func text(_ v: JSONValue?) -> String {
        if case .string(let s)? = v { return s }
        return ""
    }

    static func number(_ v: JSONValue?) -> String? {
        if case .number(let n)? = v { return n }
        return nil
    }

    /// A time of the document (`generated_at`), in the scheme's zone with its offset.
    func local(_ rfc3339: String) -> String {
        guard let t = Timestamp.parse(rfc3339, zone: timeZone) else { return rfc3339 }
        return t.local(timeZone)
    }
}
