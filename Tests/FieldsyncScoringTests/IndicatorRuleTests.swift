@testable import FieldsyncModel
@testable import FieldsyncScoring
import FieldsyncTesting
import XCTest

/// SPEC §5.1, rule by rule: below, at and above the target, and without a value.
final class IndicatorRuleTests: XCTestCase {
    private let d = Fx.d

    private func points(_ rule: Rule, _ value: String?, points: String = "8",
                        target: String? = "2", per: String? = nil) -> Exact {
        Scorer.indicatorPoints(rule: rule, points: d(points), value: value.map(d),
                               target: target.map(d), per: per.map(d))
    }

    func testRatio() {
        XCTAssertEqual(points(.ratio, "1"), d("4"))      // below: p × v/t
        XCTAssertEqual(points(.ratio, "2"), d("8"))      // at
        XCTAssertEqual(points(.ratio, "3"), d("8"))      // above: capped at p
        XCTAssertEqual(points(.ratio, "0"), d("0"))
        XCTAssertEqual(points(.ratio, nil), d("0"))      // none
    }

    func testRatioWithRepeatingFractionStaysExact() {
        // 20 × 55000/60000 = 55/3 = 18.333…: kept as a fraction, not 18.33.
        let score = points(.ratio, "55000", points: "20", target: "60000")
        XCTAssertEqual(score, Exact(numerator: 55, denominator: 3))
        XCTAssertFalse(score.isTerminating)
        XCTAssertEqual(score * d("3"), d("55"))
    }

    func testThreshold() {
        XCTAssertEqual(points(.threshold, "1.999"), d("0"))
        XCTAssertEqual(points(.threshold, "2"), d("8"))
        XCTAssertEqual(points(.threshold, "5"), d("8"))
        XCTAssertEqual(points(.threshold, nil), d("0"))
    }

    func testBoolean() {
        XCTAssertEqual(points(.boolean, "0", target: nil), d("0"))
        XCTAssertEqual(points(.boolean, "1", target: nil), d("8"))
        XCTAssertEqual(points(.boolean, "1.0", target: nil), d("8"))  // same number as 1
        XCTAssertEqual(points(.boolean, "2", target: nil), d("0"))    // only exactly 1 is "done"
        XCTAssertEqual(points(.boolean, nil, target: nil), d("0"))
    }

    func testDeduct() {
        XCTAssertEqual(points(.deduct, "0", points: "10", target: nil, per: "2"), d("10"))
        XCTAssertEqual(points(.deduct, "3", points: "10", target: nil, per: "2"), d("4"))
        XCTAssertEqual(points(.deduct, "5", points: "10", target: nil, per: "2"), d("0"))
        XCTAssertEqual(points(.deduct, "7", points: "10", target: nil, per: "2"), d("0"))  // not negative
        XCTAssertEqual(points(.deduct, "1", points: "10", target: nil, per: "2.5"), d("7.5"))
        XCTAssertEqual(points(.deduct, nil, points: "10", target: nil, per: "2"), d("0"))  // none: 0, not 10
    }

    func testManual() {
        XCTAssertEqual(points(.manual, "7.5", points: "10", target: nil), d("7.5"))
        XCTAssertEqual(points(.manual, "10", points: "10", target: nil), d("10"))
        XCTAssertEqual(points(.manual, "12", points: "10", target: nil), d("10"))
        XCTAssertEqual(points(.manual, "0", points: "10", target: nil), d("0"))
        XCTAssertEqual(points(.manual, nil, points: "10", target: nil), d("0"))
    }

    func testMissingTargetOrPerScoresZeroInsteadOfTrapping() {
        XCTAssertEqual(points(.ratio, "5", target: nil), d("0"))
        XCTAssertEqual(points(.ratio, "5", target: "0"), d("0"))
        XCTAssertEqual(points(.threshold, "5", target: nil), d("0"))
        XCTAssertEqual(points(.deduct, "0", target: nil, per: nil), d("0"))
    }

    func testMetAndSourceInAUnit() {
        let s = Fx.scheme(indicators: [
            Fx.indicator("r", rule: .ratio, points: "8", target: "1", targets: ["shouning": "2"]),
            Fx.indicator("t", rule: .threshold, points: "4", target: "3"),
            Fx.indicator("n", rule: .boolean, points: "2"),
        ])
        let values = CurrentValues(evidence: ["shouning": [
            "r": Evidence(report: d("1")),          // 1 of Shouning's own target 2
            "t": Evidence(report: d("1"), spotcheck: d("3")),
        ]])
        let u = Scorer.score(scheme: s, values: values).units[0]
        let r = u.indicator("r")!, t = u.indicator("t")!, n = u.indicator("n")!
        XCTAssertEqual(r.target, d("2"))
        XCTAssertEqual(r.score, d("4"))
        XCTAssertFalse(r.met)
        XCTAssertEqual(r.source, .report)
        XCTAssertEqual(t.value, d("3"))             // the spot-check beats the report
        XCTAssertEqual(t.source, .spotcheck)
        XCTAssertTrue(t.met)
        XCTAssertNil(n.value)
        XCTAssertEqual(n.source, ValueSource.none)
        XCTAssertEqual(n.score, d("0"))
        XCTAssertFalse(u.complete)
    }
}
