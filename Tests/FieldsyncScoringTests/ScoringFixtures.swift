@testable import FieldsyncModel
@testable import FieldsyncScoring
import FieldsyncTesting
import Foundation

/// Small builders for scoring tests: schemes, indicators and values written the way a
/// reader checks them by hand.
enum Fx {
    /// An exact decimal from its text; traps on a typo in the test itself.
    static func d(_ text: String) -> Exact {
        guard let x = Exact(decimal: text) else { fatalError("bad decimal in test: \(text)") }
        return x
    }

    static func indicator(_ code: String, rule: Rule, points: String, target: String? = nil,
                          targets: [String: String] = [:], per: String? = nil,
                          appliesTo: [String] = [], aspect: Aspect = .business,
                          overall: Overall = Overall(aggregate: .sum)) -> Indicator {
        Indicator(code: code, name: "指标 \(code)", aspect: aspect, points: d(points), rule: rule,
                  target: target.map(d), targets: targets.mapValues(d), per: per.map(d),
                  appliesTo: appliesTo, overall: overall)
    }

    static func scheme(units: [SchemeUnit] = [SchemeUnit(code: "shouning", name: "寿宁县")],
                       indicators: [Indicator],
                       weights: (String, String) = ("0.70", "0.30"),
                       tolerance: String = "0", discrepancyDeduction: String = "0") -> Scheme {
        Scheme(period: "2026", name: "宁德市人防办2026年度绩效评估指标",
               timeZone: TimeZone(identifier: "Asia/Shanghai")!,
               weights: Weights(indicators: d(weights.0), public: d(weights.1)),
               grades: GradeBounds(excellent: d("90"), good: d("76"), average: d("60")),
               verification: Verification(tolerance: d(tolerance),
                                          discrepancyDeduction: d(discrepancyDeduction)),
               units: units, indicators: indicators,
               sha256: String(repeating: "ab", count: 32))
    }

    static func survey(_ id: String, _ score: String, _ respondents: Int = 1) -> SurveyResult {
        SurveyResult(id: id, score: d(score), respondents: respondents)
    }

    /// A one-unit scheme whose indicator score is exactly 100 (one manual indicator,
    /// fully awarded), so a test controls the total through the public score and the
    /// deductions alone.
    static func fullIndicatorUnit(publicScore: String?, findings: [String] = [],
                                  weights: (String, String) = ("0.70", "0.30")) -> UnitScore {
        let s = scheme(indicators: [indicator("m", rule: .manual, points: "10")], weights: weights)
        var values = CurrentValues(evidence: ["shouning": ["m": Evidence(report: d("10"))]])
        if let publicScore { values.publicTotals["shouning"] = PublicTotal([survey("s1", publicScore)]) }
        values.findings["shouning"] = findings.enumerated().map {
            Finding(id: "f\($0.offset)", deduction: d($0.element))
        }
        return Scorer.score(scheme: s, values: values).units[0]
    }
}
