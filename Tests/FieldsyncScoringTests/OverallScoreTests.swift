@testable import FieldsyncModel
@testable import FieldsyncScoring
import FieldsyncTesting
import XCTest

/// SPEC §5.3: the office overall, aggregate by aggregate.
final class OverallScoreTests: XCTestCase {
    private let d = Fx.d
    private let units = [SchemeUnit(code: "a", name: "甲"), SchemeUnit(code: "b", name: "乙"), SchemeUnit(code: "c", name: "丙")]

    /// Units a, b, c report 2, 4 and nothing for indicator "x" (ratio, 10 points,
    /// target 4 for each unit); the overall target is given by `overallTarget`.
    private func overall(_ aggregate: Aggregate, rule: Rule = .ratio, overallTarget: String? = nil,
                         unit: String? = nil, appliesTo: [String] = [],
                         values: [String: String] = ["a": "2", "b": "4"]) -> IndicatorScore {
        let s = Fx.scheme(units: units, indicators: [
            Fx.indicator("x", rule: rule, points: "10", target: "4", appliesTo: appliesTo,
                         overall: Overall(aggregate: aggregate, target: overallTarget.map(d), unit: unit)),
        ])
        let evidence = values.mapValues { ["x": Evidence(report: d($0))] }
        return Scorer.score(scheme: s, values: CurrentValues(evidence: evidence)).overall.indicators[0]
    }

    func testSum() {
        let x = overall(.sum, overallTarget: "10")
        XCTAssertEqual(x.value, d("6"))       // 2 + 4 + 0 (c has no value)
        XCTAssertEqual(x.target, d("10"))
        XCTAssertEqual(x.score, d("6"))
        XCTAssertFalse(x.met)
        XCTAssertEqual(x.source, ValueSource.none)
    }

    func testMeanCountsMissingAsZero() {
        let x = overall(.mean)
        XCTAssertEqual(x.value, d("2"))       // (2 + 4 + 0) / 3
        XCTAssertEqual(x.target, d("4"))      // no overall target: the indicator's
        XCTAssertEqual(x.score, d("5"))
    }

    func testMeanStaysExact() {
        let x = overall(.mean, values: ["a": "1", "b": "1", "c": "0"])
        XCTAssertEqual(x.value, Exact(numerator: 2, denominator: 3))
        XCTAssertEqual(x.score, Exact(numerator: 5, denominator: 3))   // 10 × (2/3) / 4
    }

    func testMin() {
        XCTAssertEqual(overall(.min).value, d("0"))                                   // c missing → 0
        XCTAssertEqual(overall(.min, values: ["a": "2", "b": "4", "c": "3"]).value, d("2"))
    }

    func testMax() {
        let x = overall(.max)
        XCTAssertEqual(x.value, d("4"))
        XCTAssertTrue(x.met)
        XCTAssertEqual(x.score, d("10"))
    }

    func testShareMet() {
        // Only b meets its target of 4: one unit of three.
        let x = overall(.shareMet, overallTarget: "1")
        XCTAssertEqual(x.value, Exact(numerator: 1, denominator: 3))
        XCTAssertEqual(x.score, Exact(numerator: 10, denominator: 3))
        let all = overall(.shareMet, overallTarget: "1", values: ["a": "4", "b": "5", "c": "9"])
        XCTAssertEqual(all.value, d("1"))
        XCTAssertTrue(all.met)
    }

    func testShareMetAndMeanOverApplicableUnitsOnly() {
        let share = overall(.shareMet, overallTarget: "1", appliesTo: ["a", "b"])
        XCTAssertEqual(share.value, d("0.5"))
        let mean = overall(.mean, appliesTo: ["a", "b"])
        XCTAssertEqual(mean.value, d("3"))
    }

    func testUnitAggregate() {
        let x = overall(.unit, unit: "b")
        XCTAssertEqual(x.value, d("4"))
        XCTAssertTrue(x.met)
        let missing = overall(.unit, unit: "c")
        XCTAssertNil(missing.value)
        XCTAssertEqual(missing.score, d("0"))
    }

    func testOverallComponents() {
        let s = Fx.scheme(units: units, indicators: [
            Fx.indicator("x", rule: .manual, points: "10", overall: Overall(aggregate: .max)),
            Fx.indicator("y", rule: .ratio, points: "30", target: "2",
                         overall: Overall(aggregate: .sum, target: d("10"))),
        ], tolerance: "0", discrepancyDeduction: "1")
        let values = CurrentValues(
            evidence: [
                "a": ["x": Evidence(report: d("10")), "y": Evidence(report: d("3"), spotcheck: d("2"))],
                "b": ["x": Evidence(report: d("5")), "y": Evidence(report: d("2"))],
                "c": ["x": Evidence(report: d("0")), "y": Evidence(report: d("5"), spotcheck: d("1"))],
            ],
            surveys: [
                "a": [Fx.survey("s1", "90", 10)],
                "b": [Fx.survey("s2", "60", 30), Fx.survey("s3", "100", 10)],
            ],
            findings: [
                "a": [Finding(id: "f1", deduction: d("0.005"))],
                "b": [Finding(id: "f2", deduction: d("0.005"))],
            ])
        let board = Scorer.score(scheme: s, values: values)
        let o = board.overall
        XCTAssertNil(o.unit)
        XCTAssertEqual(o.indicators.map(\.indicator.code), ["x", "y"])
        // x: max 10 → 10 of 10; y: sum 2 + 2 + 1 = 5 of target 10 → 15 of 30. 25/40 → 62.5
        XCTAssertEqual(o.indicator("y")!.value, d("5"))
        XCTAssertEqual(o.indicatorScore, d("62.5"))
        // All surveys by respondents: (900 + 1800 + 1000) / 50 = 74.
        XCTAssertEqual(o.publicScore, d("74"))
        XCTAssertEqual(o.respondents, 50)
        // Units' rounded deductions: a 0.01 + 1 (discrepancy), b 0.01, c 1 → 2.02
        // (rounding the exact sum 2.01 instead would give 2.01).
        XCTAssertEqual(board.unit("a")!.deductions, d("1.01"))
        XCTAssertEqual(o.deductions, d("2.02"))
        XCTAssertEqual(o.discrepancies, 2)
        XCTAssertTrue(o.indicator("y")!.discrepancy)
        XCTAssertFalse(o.indicator("x")!.discrepancy)
        // 62.5 × 0.7 + 74 × 0.3 − 2.02 = 43.75 + 22.2 − 2.02 = 63.93
        XCTAssertEqual(o.total, d("63.93"))
        XCTAssertEqual(o.grade, .average)
        XCTAssertTrue(o.findings.isEmpty)
        XCTAssertFalse(o.complete)                         // c has no survey
        XCTAssertFalse(board.unit("c")!.complete)
        XCTAssertTrue(board.unit("a")!.complete)
    }

    func testOverallCompleteWhenEveryUnitIs() {
        let s = Fx.scheme(units: units, indicators: [
            Fx.indicator("x", rule: .manual, points: "10", overall: Overall(aggregate: .mean)),
        ])
        var values = CurrentValues()
        for u in units {
            values.evidence[u.code] = ["x": Evidence(report: d("10"))]
            values.publicTotals[u.code] = PublicTotal([Fx.survey("s-\(u.code)", "95")])
        }
        XCTAssertTrue(Scorer.score(scheme: s, values: values).overall.complete)
        values.evidence["b"] = [:]
        XCTAssertFalse(Scorer.score(scheme: s, values: values).overall.complete)
    }

    func testUnitsInSchemeOrder() {
        let s = Fx.scheme(units: units, indicators: [])
        XCTAssertEqual(Scorer.score(scheme: s, values: CurrentValues()).units.map { $0.unit?.code }, ["a", "b", "c"])
    }
}
