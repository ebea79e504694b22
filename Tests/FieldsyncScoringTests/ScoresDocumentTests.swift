@testable import FieldsyncModel
@testable import FieldsyncProtocol
@testable import FieldsyncScoring
import FieldsyncTesting
import XCTest

/// SPEC §6: the document's key order, number text, and the sequence-free content.
final class ScoresDocumentTests: XCTestCase {
    private let d = Fx.d
    private let stamp = Timestamp.parse("2026-11-27T04:00:00Z", zone: TimeZone(identifier: "UTC")!)!

    /// One unit, one manual indicator fully awarded, a survey of 66.65: total exactly
    /// 89.995 before rounding.
    private func smallBoard() -> Scoreboard {
        let s = Fx.scheme(indicators: [Fx.indicator("m", rule: .manual, points: "10")])
        let values = CurrentValues(evidence: ["shouning": ["m": Evidence(report: d("10"))]],
                                   surveys: ["shouning": [Fx.survey("s1", "66.65")]])
        return Scorer.score(scheme: s, values: values)
    }

    /// A richer board: spot-checked, repeating-fraction, missing and 79.99 values, and a
    /// finding with a note.
    private func richBoard() -> Scoreboard {
        let s = Fx.scheme(indicators: [
            Fx.indicator("siren.fixed", rule: .ratio, points: "8", target: "1", targets: ["shouning": "2"],
                         overall: Overall(aggregate: .shareMet, target: d("1"))),
            Fx.indicator("shelter.area", rule: .ratio, points: "20", target: "60000",
                         overall: Overall(aggregate: .mean)),
            Fx.indicator("duty", rule: .boolean, points: "2", aspect: .capacity),
            Fx.indicator("ready", rule: .threshold, points: "5", target: "80"),
        ], tolerance: "0", discrepancyDeduction: "1")
        let values = CurrentValues(
            evidence: ["shouning": [
                "siren.fixed": Evidence(report: d("3"), spotcheck: d("2")),
                "shelter.area": Evidence(report: d("55000")),
                "ready": Evidence(report: d("79.99")),
            ]],
            surveys: ["shouning": [Fx.survey("s1", "91.2", 120)]],
            findings: ["shouning": [Finding(id: "f-1", deduction: d("2"), note: "警报器 \"未联网\"")]])
        return Scorer.score(scheme: s, values: values)
    }

    private func keys(_ v: JSONValue?) -> [String] {
        guard case .object(let members)? = v else { return [] }
        return members.map(\.0)
    }

    private func first(_ v: JSONValue?, _ key: String) -> JSONValue? {
        guard case .array(let items)? = v?[key] else { return nil }
        return items.first
    }

    func testGoldenSmallDocument() {
        let text = ScoresDocument.document(smallBoard(), office: "ningde-rfb", sequence: 7,
                                           generatedAt: stamp).rendered()
        let sha = String(repeating: "ab", count: 32)
        let indicator = #"{"code":"m","name":"指标 m","aspect":"business","points":10,"target":null,"value":10,"#
        let tail = #""score":10,"met":true,"discrepancy":false}],"public":{"respondents":1,"score":66.65},"findings":[]}"#
        let rules = #""rules":{"weights":{"indicators":0.7,"public":0.3},"grades":{"excellent":90,"good":76,"average":60},"tolerance":0,"discrepancy_deduction":0,"timezone":"Asia/Shanghai"},"#
        let components = #""indicator_score":100,"public_score":66.65,"deductions":0,"total":90,"grade":"excellent","grade_zh":"优秀","complete":true,"indicators":["#
        let expected = #"{"schema":"fieldsync.scores/2","office":"ningde-rfb","period":"2026","scheme":{"name":"宁德市人防办2026年度绩效评估指标","sha256":""#
            + sha + #""},"# + rules + #""sequence":7,"generated_at":"2026-11-27T04:00:00Z","trend":[],"overall":{"#
            + components + indicator + #""source":"overall","reported":null,"verified":null,"# + tail
            + #","units":[{"unit":"shouning","name":"寿宁县","# + components + indicator + #""source":"report","reported":10,"verified":null,"# + tail
            + "]}"
        XCTAssertEqual(text, expected)
    }

    func testKeyOrder() {
        let doc = ScoresDocument.document(richBoard(), office: "ningde-rfb", sequence: 1, generatedAt: stamp)
        XCTAssertEqual(keys(doc), ["schema", "office", "period", "scheme", "rules", "sequence", "generated_at", "trend",
                                   "overall", "units"])
        XCTAssertEqual(keys(doc["rules"]), ["weights", "grades", "tolerance", "discrepancy_deduction", "timezone"])
        XCTAssertEqual(keys(doc["scheme"]), ["name", "sha256"])
        let componentKeys = ["indicator_score", "public_score", "deductions", "total", "grade", "grade_zh",
                             "complete", "indicators", "public", "findings"]
        XCTAssertEqual(keys(doc["overall"]), componentKeys)
        let unit = first(doc, "units")
        XCTAssertEqual(keys(unit), ["unit", "name"] + componentKeys)
        XCTAssertEqual(keys(first(unit, "indicators")),
                       ["code", "name", "aspect", "points", "target", "value", "source", "reported", "verified", "score", "met", "discrepancy"])
        XCTAssertEqual(keys(unit?["public"]), ["respondents", "score"])
        XCTAssertEqual(keys(first(unit, "findings")), ["id", "deduction", "note"])
    }

    func testNumberText() {
        let doc = ScoresDocument.document(richBoard(), office: "o", sequence: 1, generatedAt: stamp)
        let unit = first(doc, "units")!
        guard case .array(let rows)? = unit["indicators"] else { return XCTFail("no indicators") }
        let byCode = Dictionary(uniqueKeysWithValues: rows.map { ($0["code"]!, $0) })
        let siren = byCode[.string("siren.fixed")]!, area = byCode[.string("shelter.area")]!
        let duty = byCode[.string("duty")]!, ready = byCode[.string("ready")]!

        XCTAssertEqual(siren["target"], .number("2"))          // the unit's own target
        XCTAssertEqual(siren["value"], .number("2"))
        XCTAssertEqual(siren["source"], .string("spotcheck"))
        XCTAssertEqual(siren["discrepancy"], .bool(true))
        XCTAssertEqual(area["value"], .number("55000"))
        XCTAssertEqual(area["score"], .number("18.3333"))      // 55/3, 4 decimals
        XCTAssertEqual(duty["value"], .null)
        XCTAssertEqual(duty["target"], .null)
        XCTAssertEqual(duty["source"], .string("none"))
        XCTAssertEqual(duty["aspect"], .string("capacity"))
        XCTAssertEqual(ready["value"], .number("79.99"))
        XCTAssertEqual(ready["score"], .number("0"))
        XCTAssertEqual(ready["met"], .bool(false))
        // (8 + 55/3) / 35 × 100 = 75.238… → 75.24; deductions 2 + 1 = 3;
        // 75.24 × 0.7 + 91.2 × 0.3 − 3 = 52.668 + 27.36 − 3 = 77.028 → 77.03.
        XCTAssertEqual(unit["indicator_score"], .number("75.24"))
        XCTAssertEqual(unit["public_score"], .number("91.2"))
        XCTAssertEqual(unit["deductions"], .number("3"))
        XCTAssertEqual(unit["total"], .number("77.03"))
        XCTAssertEqual(unit["grade"], .string("good"))
        XCTAssertEqual(unit["grade_zh"], .string("良"))
        XCTAssertEqual(unit["complete"], .bool(false))          // "duty" has no value
        XCTAssertEqual(unit["public"]?["respondents"], .number("120"))
        XCTAssertEqual(first(unit, "findings")?["note"], .string("警报器 \"未联网\""))
        XCTAssertTrue(ScoresDocument.document(richBoard(), office: "o", sequence: 1, generatedAt: stamp)
            .rendered().contains(#""note":"警报器 \"未联网\"""#))

        let overall = doc["overall"]!
        guard case .array(let orows)? = overall["indicators"] else { return XCTFail("no overall indicators") }
        XCTAssertEqual(orows[0]["value"], .number("1"))          // share met: 1 of 1
        XCTAssertEqual(orows[0]["source"], .string("overall"))
        XCTAssertEqual(orows[1]["value"], .number("55000"))      // mean of one
        XCTAssertEqual(orows[1]["score"], .number("18.3333"))
        XCTAssertEqual(overall["findings"], .array([]))
    }

    func testOverallShareRendersWithFourDecimals() {
        let units = [SchemeUnit(code: "a", name: "甲"), SchemeUnit(code: "b", name: "乙"), SchemeUnit(code: "c", name: "丙")]
        let s = Fx.scheme(units: units, indicators: [
            Fx.indicator("x", rule: .threshold, points: "10", target: "1",
                         overall: Overall(aggregate: .shareMet, target: d("1"))),
        ])
        let values = CurrentValues(evidence: ["a": ["x": Evidence(report: d("1"))],
                                              "b": ["x": Evidence(report: d("1"))]])
        let doc = ScoresDocument.content(Scorer.score(scheme: s, values: values), office: "o")
        let row = first(doc["overall"], "indicators")
        XCTAssertEqual(row?["value"], .number("0.6667"))
        XCTAssertEqual(row?["score"], .number("0"))   // threshold 1 not reached by 2/3
    }

    func testContentLeavesOutSequenceAndGeneratedAt() {
        let board = richBoard()
        let content = ScoresDocument.content(board, office: "ningde-rfb")
        XCTAssertEqual(keys(content), ["schema", "office", "period", "scheme", "rules", "overall", "units"])
        // The full document minus its stamps (and the trend of earlier sequences) is exactly the content.
        let full = ScoresDocument.document(board, office: "ningde-rfb", sequence: 9, generatedAt: stamp)
        guard case .object(let members) = full else { return XCTFail("not an object") }
        let stripped = JSONValue.object(members.filter { !["sequence", "generated_at", "trend"].contains($0.0) })
        XCTAssertEqual(stripped.rendered(), content.rendered())
        XCTAssertEqual(ScoresDocument.contentText(board, office: "ningde-rfb"), content.rendered())
    }

    func testSameBoardRendersByteIdentically() {
        let a = ScoresDocument.contentText(richBoard(), office: "ningde-rfb")
        let b = ScoresDocument.contentText(richBoard(), office: "ningde-rfb")
        XCTAssertEqual(Array(a.utf8), Array(b.utf8))
        let later = ScoresDocument.document(richBoard(), office: "ningde-rfb", sequence: 2,
                                            generatedAt: Timestamp(microseconds: stamp.microseconds + 1))
        let earlier = ScoresDocument.document(richBoard(), office: "ningde-rfb", sequence: 1, generatedAt: stamp)
        XCTAssertNotEqual(later.rendered(), earlier.rendered())
        XCTAssertEqual(ScoresDocument.content(richBoard(), office: "ningde-rfb").rendered(), a)
        // Findings handed over in another order render the same.
        let s = Fx.scheme(indicators: [])
        let f1 = Finding(id: "a", deduction: d("1")), f2 = Finding(id: "b", deduction: d("2"))
        XCTAssertEqual(
            ScoresDocument.contentText(Scorer.score(scheme: s, values: CurrentValues(findings: ["shouning": [f1, f2]])), office: "o"),
            ScoresDocument.contentText(Scorer.score(scheme: s, values: CurrentValues(findings: ["shouning": [f2, f1]])), office: "o"))
    }

    func testChangedScoresChangeTheContent() {
        let s = Fx.scheme(indicators: [Fx.indicator("m", rule: .manual, points: "10")])
        let v1 = CurrentValues(evidence: ["shouning": ["m": Evidence(report: d("10"))]])
        let v2 = CurrentValues(evidence: ["shouning": ["m": Evidence(report: d("9.5"))]])
        XCTAssertNotEqual(ScoresDocument.contentText(Scorer.score(scheme: s, values: v1), office: "o"),
                          ScoresDocument.contentText(Scorer.score(scheme: s, values: v2), office: "o"))
    }

    /// The bytes pushed are canonical compact JSON: read back and written again by
    /// `JSONValue`, they are the same bytes (number texts, escapes, key order kept).
    func testRenderedBytesAreCanonicalJSON() throws {
        let board = richBoard()
        let rendered = ScoresDocument.rendered(board, office: "ningde-rfb")
        XCTAssertEqual(Array(ScoresDocument.content(board, office: "ningde-rfb").rendered().utf8), rendered.content)
        let at = try XCTUnwrap(Timestamp.parse("2026-11-30T12:00:00.5+08:00", zone: .gmt))
        let document = rendered.document(sequence: 42, generatedAt: at)
        XCTAssertEqual(Array(ScoresDocument.document(board, office: "ningde-rfb", sequence: 42, generatedAt: at).rendered().utf8),
                       document)
        XCTAssertEqual(try JSONParser.parse(document)["sequence"], .number("42"))
        XCTAssertEqual(try JSONParser.parse(document)["generated_at"], .string("2026-11-30T04:00:00.5Z"))
    }
}
