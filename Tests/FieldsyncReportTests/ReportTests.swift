import FieldsyncProtocol
import FieldsyncReport
import FieldsyncTesting
import Testing

/// The report page from a document alone: text is never markup, nothing is fetched
/// from elsewhere, an empty period says so, and a schema 1 document still renders.
@Suite("The report page")
struct ReportTests {
    static func page(_ document: SampleDocument) throws -> String {
        Report.html(try JSONParser.parse(Array(document.json.utf8)))
    }

    @Test("Names and notes that hold markup show as text", arguments: ["<script>alert(1)</script>", "</svg><b>x</b>", "a&b\"'"])
    func markupIsText(name: String) throws {
        let html = try Self.page(SampleDocument(unitName: name))
        #expect(!html.contains(name), "the name must not appear unescaped")
        #expect(html.contains(HTMLText.escape(name)))
        #expect(!html.lowercased().contains("<script"))
    }

    @Test("Self-contained: no URL, no reference to another file, no script")
    func selfContained() throws {
        let html = try Self.page(SampleDocument())
        for reference in ["http:", "https:", "src=", "href=", "url(", "@import", "<script", "<link"] {
            #expect(!html.lowercased().contains(reference), "\(reference)")
        }
    }

    @Test("Each unit's name, total (two decimals) and grade, and the traceability line")
    func numbers() throws {
        let html = try Self.page(SampleDocument(unitTotal: "86.6"))
        for shown in ["寿宁县", "86.60", "良 good", "市本级", "53.08", "差 poor", "79.99",
                      "sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "序号 Sequence 7", "台账不全"] {
            #expect(html.contains(shown), "\(shown)")
        }
    }

    @Test("A period with no data is a report that says so")
    func noData() throws {
        let html = try Self.page(SampleDocument(unitsMember: #""units": []"#))
        #expect(html.contains("No data yet"))
        #expect(!html.contains("id=\"ranking\""))
    }

    @Test("A number written with an exponent is shown as plain decimals")
    func exponent() throws {
        let html = try Self.page(SampleDocument(unitTotal: "1e2"))
        #expect(html.contains("<b>100.00</b>"))
        #expect(!html.contains("1e2"))
    }

    @Test("A document of very many units and indicators gets no scorecard of millions of cells")
    func scorecardIsCapped() throws {
        let indicators = (0 ..< 200).map { #"{"code": "i\#($0)", "score": 1, "points": 1, "met": true}"# }.joined(separator: ",")
        let units = (0 ..< 101).map { n in
            #"{"unit": "u\#(n)", "name": "U\#(n)", "indicator_score": 1, "public_score": 1, "deductions": 0, "total": 1, "grade": "poor", "grade_zh": "差", "complete": true, "indicators": []}"#
        }.joined(separator: ",")
        let json = #"{"schema": "fieldsync.scores/1", "office": "o", "period": "p", "scheme": {"name": "s", "sha256": "x"}, "sequence": 1, "generated_at": "2026-11-27T04:00:00Z", "overall": {"indicator_score": 1, "public_score": 1, "deductions": 0, "total": 1, "grade": "poor", "grade_zh": "差", "complete": true, "indicators": [\#(indicators)]}, "units": [\#(units)]}"#
        let html = Report.html(try JSONParser.parse(Array(json.utf8)))
        #expect(html.contains("Too many units and indicators (101 × 200)"))
        #expect(html.utf8.count < 1_000_000, "\(html.utf8.count) bytes")
    }
}
