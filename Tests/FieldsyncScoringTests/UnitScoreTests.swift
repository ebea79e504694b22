@testable import FieldsyncModel
@testable import FieldsyncScoring
import FieldsyncTesting
import XCTest

/// SPEC §5.2 and §5.4: a unit's components, rounding edges, clamping, completeness and
/// verification.
final class UnitScoreTests: XCTestCase {
    private let d = Fx.d

    // MARK: indicator_score

    func testIndicatorScoreRoundsOnceAfterSummingExactScores() {
        // Two ratios of 20 × 55000/60000 = 18.333… each: exact sum 36.666… of 40 → 91.67.
        // Rounding each score first (18.33 + 18.33 = 36.66) would give 91.65.
        let s = Fx.scheme(indicators: [
            Fx.indicator("a", rule: .ratio, points: "20", target: "60000"),
            Fx.indicator("b", rule: .ratio, points: "20", target: "60000"),
        ])
        let values = CurrentValues(evidence: ["shouning": [
            "a": Evidence(report: d("55000")), "b": Evidence(report: d("55000")),
        ]])
        let u = Scorer.score(scheme: s, values: values).units[0]
        XCTAssertEqual(u.indicatorScore, d("91.67"))
        XCTAssertEqual(u.indicators[0].score, Exact(numerator: 55, denominator: 3))
    }

    func testIndicatorScoreCountsOnlyApplicableIndicators() {
        let s = Fx.scheme(units: [SchemeUnit(code: "shouning", name: "寿宁县"), SchemeUnit(code: "city", name: "市本级")],
                          indicators: [
                              Fx.indicator("all", rule: .manual, points: "10"),
                              Fx.indicator("sn", rule: .manual, points: "30", appliesTo: ["shouning"],
                                           overall: Overall(aggregate: .unit, unit: "shouning")),
                          ])
        let values = CurrentValues(evidence: [
            "shouning": ["all": Evidence(report: d("10"))],
            "city": ["all": Evidence(report: d("5"))],
        ])
        let board = Scorer.score(scheme: s, values: values)
        XCTAssertEqual(board.unit("shouning")!.indicatorScore, d("25"))   // 10 of 40
        XCTAssertEqual(board.unit("city")!.indicatorScore, d("50"))       // 5 of 10; "sn" not counted
        XCTAssertEqual(board.unit("city")!.indicators.map(\.indicator.code), ["all"])
    }

    func testNoApplicableIndicatorScoresZero() {
        let s = Fx.scheme(indicators: [Fx.indicator("x", rule: .manual, points: "10", appliesTo: ["city"])])
        let u = Scorer.score(scheme: s, values: CurrentValues(surveys: ["shouning": [Fx.survey("s", "100")]])).units[0]
        XCTAssertEqual(u.indicatorScore, d("0"))
        XCTAssertTrue(u.indicators.isEmpty)
        XCTAssertEqual(u.total, d("30"))
    }

    // MARK: public_score

    func testPublicScoreIsRespondentWeighted() {
        let s = Fx.scheme(indicators: [])
        let values = CurrentValues(surveys: ["shouning": [Fx.survey("a", "90", 100), Fx.survey("b", "60", 20)]])
        let u = Scorer.score(scheme: s, values: values).units[0]
        XCTAssertEqual(u.publicScore, d("85"))       // (9000 + 1200) / 120, not (90 + 60) / 2
        XCTAssertEqual(u.respondents, 120)
    }

    func testPublicScoreRoundsHalfUp() {
        let s = Fx.scheme(indicators: [])
        let values = CurrentValues(surveys: ["shouning": [Fx.survey("a", "80", 1), Fx.survey("b", "81", 2)]])
        XCTAssertEqual(Scorer.score(scheme: s, values: values).units[0].publicScore, d("80.67"))  // 242/3
    }

    func testNoSurveyScoresZeroAndIsIncomplete() {
        let u = Fx.fullIndicatorUnit(publicScore: nil)
        XCTAssertEqual(u.publicScore, d("0"))
        XCTAssertEqual(u.respondents, 0)
        XCTAssertFalse(u.complete)
        XCTAssertEqual(u.total, d("70"))
        XCTAssertTrue(Fx.fullIndicatorUnit(publicScore: "80").complete)
    }

    // MARK: total, rounding edges and grades

    func testExactly89_995RoundsUpToExcellent() {
        // 100 × 0.70 + 66.65 × 0.30 = 70 + 19.995 = 89.995 exactly → 90.00.
        let u = Fx.fullIndicatorUnit(publicScore: "66.65")
        XCTAssertEqual(u.indicatorScore, d("100"))
        XCTAssertEqual(u.publicScore, d("66.65"))
        XCTAssertEqual(u.indicatorScore * d("0.70") + u.publicScore * d("0.30"), d("89.995"))
        XCTAssertEqual(u.total, d("90"))
        XCTAssertEqual(u.grade, .excellent)
    }

    func testJustBelowTheExcellentEdgeIsGood() {
        let u = Fx.fullIndicatorUnit(publicScore: "66.63")   // 89.989 → 89.99
        XCTAssertEqual(u.total, d("89.99"))
        XCTAssertEqual(u.grade, .good)
    }

    func testGoodAverageEdge() {
        let below = Fx.fullIndicatorUnit(publicScore: "100", findings: ["24.01"])
        XCTAssertEqual(below.total, d("75.99"))
        XCTAssertEqual(below.grade, .average)
        let at = Fx.fullIndicatorUnit(publicScore: "100", findings: ["24"])
        XCTAssertEqual(at.total, d("76"))
        XCTAssertEqual(at.grade, .good)
    }

    func testExactly59_995RoundsUpToAverage() {
        let u = Fx.fullIndicatorUnit(publicScore: "66.65", findings: ["30"])  // 59.995
        XCTAssertEqual(u.total, d("60"))
        XCTAssertEqual(u.grade, .average)
        let poor = Fx.fullIndicatorUnit(publicScore: "66.63", findings: ["30"])  // 59.989
        XCTAssertEqual(poor.total, d("59.99"))
        XCTAssertEqual(poor.grade, .poor)
    }

    func testTotalIsComputedFromRoundedComponents() {
        // Deductions 0.005 are published as 0.01, and the total uses 0.01:
        // 70 + 30 − 0.01 = 99.99 (from the exact 0.005 it would be 99.995 → 100.00).
        let u = Fx.fullIndicatorUnit(publicScore: "100", findings: ["0.005"])
        XCTAssertEqual(u.deductions, d("0.01"))
        XCTAssertEqual(u.total, d("99.99"))
    }

    func testTotalClampsAtZero() {
        let u = Fx.fullIndicatorUnit(publicScore: "100", findings: ["80", "70"])
        XCTAssertEqual(u.deductions, d("150"))
        XCTAssertEqual(u.total, d("0"))
        XCTAssertEqual(u.grade, .poor)
    }

    func testTotalClampsAtHundred() {
        // Validation keeps weights summing to 1; the scorer still never publishes > 100.
        let u = Fx.fullIndicatorUnit(publicScore: "100", weights: ("0.70", "0.40"))
        XCTAssertEqual(u.total, d("100"))
        XCTAssertEqual(Scorer.total(indicatorScore: d("100"), publicScore: d("100"), deductions: d("5"),
                                    weights: Weights(indicators: d("0.8"), public: d("0.3"))), d("100"))
        XCTAssertEqual(Scorer.total(indicatorScore: d("100"), publicScore: d("100"), deductions: d("15"),
                                    weights: Weights(indicators: d("0.8"), public: d("0.3"))), d("95"))
    }

    // MARK: deductions and verification

    private func verificationBoard(rule: Rule, report: String, spotcheck: String?,
                                   tolerance: String, findings: [String] = []) -> UnitScore {
        let s = Fx.scheme(indicators: [
            Fx.indicator("x", rule: rule, points: "10", target: rule == .ratio ? "10" : nil,
                         per: rule == .deduct ? "1" : nil),
        ], tolerance: tolerance, discrepancyDeduction: "1.5")
        let values = CurrentValues(
            evidence: ["shouning": ["x": Evidence(report: d(report), spotcheck: spotcheck.map(d))]],
            surveys: ["shouning": [Fx.survey("s", "100")]],
            findings: ["shouning": findings.enumerated().map { Finding(id: "f\($0.offset)", deduction: d($0.element)) }])
        return Scorer.score(scheme: s, values: values).units[0]
    }

    func testOverReportBeyondToleranceIsADiscrepancy() {
        let u = verificationBoard(rule: .ratio, report: "8", spotcheck: "6", tolerance: "1")
        XCTAssertTrue(u.indicators[0].discrepancy)
        XCTAssertEqual(u.discrepancies, 1)
        XCTAssertEqual(u.deductions, d("1.5"))
        XCTAssertEqual(u.indicators[0].value, d("6"))   // verified value scores
        XCTAssertEqual(u.indicators[0].score, d("6"))
    }

    func testOverReportWithinToleranceIsNot() {
        let u = verificationBoard(rule: .ratio, report: "8", spotcheck: "6", tolerance: "2")
        XCTAssertFalse(u.indicators[0].discrepancy)
        XCTAssertEqual(u.deductions, d("0"))
    }

    func testUnderReportIsNoDiscrepancy() {
        let u = verificationBoard(rule: .ratio, report: "4", spotcheck: "6", tolerance: "0")
        XCTAssertFalse(u.indicators[0].discrepancy)
        XCTAssertEqual(u.indicators[0].value, d("6"))
    }

    func testDeductRuleFlagsFewerIncidentsReportedThanVerified() {
        let hidden = verificationBoard(rule: .deduct, report: "1", spotcheck: "3", tolerance: "0")
        XCTAssertTrue(hidden.indicators[0].discrepancy)
        XCTAssertEqual(hidden.indicators[0].score, d("7"))     // 10 − 3 × 1: verified count
        let overstated = verificationBoard(rule: .deduct, report: "3", spotcheck: "1", tolerance: "0")
        XCTAssertFalse(overstated.indicators[0].discrepancy)
        let tolerated = verificationBoard(rule: .deduct, report: "1", spotcheck: "3", tolerance: "2")
        XCTAssertFalse(tolerated.indicators[0].discrepancy)
    }

    func testNoSpotcheckNoDiscrepancy() {
        let u = verificationBoard(rule: .ratio, report: "100", spotcheck: nil, tolerance: "0")
        XCTAssertFalse(u.indicators[0].discrepancy)
        XCTAssertEqual(u.indicators[0].source, .report)
    }

    func testDeductionsAddFindingsAndDiscrepancies() {
        let u = verificationBoard(rule: .ratio, report: "8", spotcheck: "6", tolerance: "0",
                                  findings: ["2", "0.25"])
        XCTAssertEqual(u.deductions, d("3.75"))   // 2 + 0.25 + 1 × 1.5
        // 60 × 0.7 + 100 × 0.3 − 3.75 = 68.25
        XCTAssertEqual(u.indicatorScore, d("60"))
        XCTAssertEqual(u.total, d("68.25"))
        XCTAssertEqual(u.grade, .average)
    }

    func testFindingsListInIdOrder() {
        let s = Fx.scheme(indicators: [])
        let values = CurrentValues(findings: ["shouning": [
            Finding(id: "b", deduction: d("1")), Finding(id: "a", deduction: d("2"), note: "n"),
        ]])
        let u = Scorer.score(scheme: s, values: values).units[0]
        XCTAssertEqual(u.findings.map(\.id), ["a", "b"])
        XCTAssertEqual(u.deductions, d("3"))
    }
}
