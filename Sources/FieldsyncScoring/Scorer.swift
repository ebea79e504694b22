import BigInt
import FieldsyncModel

/// The scoring arithmetic of SPEC §5, as pure functions of a scheme and the current
/// values: no I/O, no clock, no floating point.
///
/// Everything is exact until a published component is rounded (half-up, 2 decimals);
/// the total is computed from the rounded components and rounded again, so a person
/// with the published table and a calculator gets the same total.
public enum Scorer {
    /// Scores every unit of the scheme, in scheme order, and the office overall.
    public static func score(scheme: Scheme, values: CurrentValues) -> Scoreboard {
        let units = scheme.units.map { scoreUnit($0, scheme: scheme, values: values) }
        let overall = scoreOverall(scheme: scheme, values: values, units: units)
        return Scoreboard(period: scheme.period, schemeName: scheme.name,
                          schemeSHA256: scheme.sha256, overall: overall, units: units,
                          grades: scheme.grades, weights: scheme.weights, verification: scheme.verification,
                          timeZone: scheme.timeZone.identifier)
    }

    // MARK: - 5.1 One indicator

    /// Points earned under `rule` (SPEC §5.1), exact:
    ///
    /// | rule | score |
    /// | --- | --- |
    /// | ratio | p × min(1, v / t) |
    /// | threshold | p if v ≥ t, else 0 |
    /// | boolean | p if v = 1, else 0 |
    /// | deduct | max(0, p − v × per) |
    /// | manual | min(p, v) |
    ///
    /// No value scores 0. Scheme validation guarantees t > 0 for ratio and threshold and
    /// per > 0 for deduct; should either be missing anyway, the indicator scores 0
    /// rather than trap (a daemon must not die on a bad plan). Results are also kept
    /// within 0…p whatever the value's sign.
    public static func indicatorPoints(rule: Rule, points p: Exact, value: Exact?,
                                       target: Exact?, per: Exact?) -> Exact {
        guard let v = value else { return .zero }
        let raw: Exact
        switch rule {
        case .ratio:
            guard let t = target, t > .zero else { return .zero }
            raw = p * Exact.min(.one, v / t)
        case .threshold:
            guard let t = target else { return .zero }
            raw = v >= t ? p : .zero
        case .boolean:
            raw = v == .one ? p : .zero
        case .deduct:
            guard let per else { return .zero }
            raw = p - v * per
        case .manual:
            raw = Exact.min(p, v)
        }
        return Exact.max(.zero, Exact.min(p, raw))
    }

    /// SPEC §5.4: with both a report and a spot-check in force, the report exceeds the
    /// spot-check by more than `tolerance` — for `deduct`, where the value counts
    /// incidents, the report is *below* the spot-check by more than `tolerance` (the
    /// unit reported fewer incidents than were verified). Either missing: no discrepancy.
    public static func isDiscrepancy(rule: Rule, evidence: Evidence, tolerance: Exact) -> Bool {
        guard let report = evidence.report, let check = evidence.spotcheck else { return false }
        let excess = rule == .deduct ? check - report : report - check
        return excess > tolerance
    }

    /// Rounds half-up (away from zero) to 2 decimals: how every component is published.
    public static func round2(_ x: Exact) -> Exact { x.rounded(places: 2) }

    // MARK: - 5.2 A unit

    /// Scores one unit against the indicators that apply to it.
    public static func scoreUnit(_ unit: SchemeUnit, scheme: Scheme, values: CurrentValues) -> UnitScore {
        var rows: [IndicatorScore] = []
        rows.reserveCapacity(scheme.indicators.count)
        var discrepancies = 0
        var complete = true
        let ofUnit = values.evidence[unit.code] ?? [:]
        for indicator in scheme.indicators where indicator.applies(to: unit.code) {
            let evidence = ofUnit[indicator.code] ?? Evidence()
            let target = indicator.target(for: unit.code)
            let score = indicatorPoints(rule: indicator.rule, points: indicator.points,
                                        value: evidence.value, target: target, per: indicator.per)
            let discrepancy = isDiscrepancy(rule: indicator.rule, evidence: evidence,
                                            tolerance: scheme.verification.tolerance)
            if discrepancy { discrepancies += 1 }
            if evidence.value == nil { complete = false }
            rows.append(IndicatorScore(indicator: indicator, target: target, value: evidence.value,
                                       source: evidence.source, score: score,
                                       met: score == indicator.points, discrepancy: discrepancy,
                                       reported: evidence.report, verified: evidence.spotcheck))
        }
        let indicatorScore = indicatorPercent(rows)
        let (publicScore, respondents) = publicMean(values.publicTotals[unit.code] ?? .none)
        if publicScore == nil { complete = false }

        let findings = (values.findings[unit.code] ?? []).sorted { utf8Less($0.id, $1.id) }
        var deducted = Exact.zero
        for finding in findings { deducted += finding.deduction }
        deducted += scheme.verification.discrepancyDeduction * Exact(discrepancies)
        let deductions = round2(deducted)

        let pub = publicScore ?? .zero
        let total = self.total(indicatorScore: indicatorScore, publicScore: pub,
                               deductions: deductions, weights: scheme.weights)
        return UnitScore(unit: unit, indicatorScore: indicatorScore, publicScore: pub,
                         deductions: deductions, total: total, grade: scheme.grades.grade(of: total),
                         complete: complete, indicators: rows, respondents: respondents,
                         findings: findings, discrepancies: discrepancies)
    }

    /// round2(100 × Σ scores ÷ Σ points); 0 when there is no indicator.
    public static func indicatorPercent(_ rows: [IndicatorScore]) -> Exact {
        var earned = Exact.zero
        var possible = Exact.zero
        for row in rows {
            earned += row.score
            possible += row.indicator.points
        }
        guard possible > .zero else { return .zero }
        return round2(.hundred * earned / possible)
    }

    /// The respondent-weighted mean of the surveys, rounded, and Σ respondents; the
    /// score is nil when there is no survey (or, which validation forbids, no respondent).
    public static func publicMean(_ total: PublicTotal) -> (score: Exact?, respondents: Int) {
        // Exact throughout: intake bounds respondents (Limits.respondents), but a store
        // written before the bound may hold anything, and no sum may trap.
        let respondents = total.respondents
        let count = respondents.numerator <= BigInt(Int.max) ? Int(respondents.numerator) : Int.max
        guard total.surveys > 0, respondents > .zero else { return (nil, max(0, count)) }
        return (round2(total.weightedScore / respondents), count)
    }

    /// round2(max(0, min(100, indicator × w_ind + public × w_pub − deductions))), from
    /// the already rounded components.
    public static func total(indicatorScore: Exact, publicScore: Exact, deductions: Exact,
                             weights: Weights) -> Exact {
        let raw = indicatorScore * weights.indicators + publicScore * weights.public - deductions
        return round2(Exact.max(.zero, Exact.min(.hundred, raw)))
    }

    // MARK: - 5.3 The office overall

    /// The office's consolidated score from the units' scores (which must be those of
    /// `scheme.units`, in order, as `score(scheme:values:)` makes them).
    ///
    /// Per indicator, the aggregate runs over the units it applies to; for `sum`,
    /// `mean`, `min`, `max` a unit without a value counts as 0. For `unit`, the named
    /// unit's value is taken as it is: without a value the overall has none either and
    /// scores 0, as a unit would (SPEC §5.1). With no unit to aggregate (which scheme
    /// validation forbids) the overall has no value.
    public static func scoreOverall(scheme: Scheme, values: CurrentValues, units: [UnitScore]) -> UnitScore {
        // Each indicator's column: its row of every unit it applies to, in unit order
        // (a unit's rows are the indicators that apply to it), gathered in one pass.
        // By index, reading each row where it lies: rows are large (see RenderedScores).
        var columns: [String: [Cell]] = [:]
        for u in units.indices where units[u].unit != nil {
            for r in units[u].indicators.indices {
                columns[units[u].indicators[r].indicator.code, default: []].append(
                    Cell(value: units[u].indicators[r].value, met: units[u].indicators[r].met,
                         discrepancy: units[u].indicators[r].discrepancy))
            }
        }
        var rows: [IndicatorScore] = []
        rows.reserveCapacity(scheme.indicators.count)
        for indicator in scheme.indicators {
            let applying = columns[indicator.code] ?? []
            let value = aggregate(indicator: indicator, rows: applying, values: values)
            let target = indicator.overall.target ?? indicator.target
            let score = indicatorPoints(rule: indicator.rule, points: indicator.points,
                                        value: value, target: target, per: indicator.per)
            rows.append(IndicatorScore(indicator: indicator, target: target, value: value,
                                       source: .none, score: score,
                                       met: score == indicator.points,
                                       discrepancy: applying.contains { $0.discrepancy }))
        }
        let indicatorScore = indicatorPercent(rows)
        let all = scheme.units.reduce(PublicTotal.none) { $0 + (values.publicTotals[$1.code] ?? .none) }
        let (publicScore, respondents) = publicMean(all)
        var deducted = Exact.zero
        for u in units { deducted += u.deductions }
        let deductions = round2(deducted)
        let pub = publicScore ?? .zero
        let total = self.total(indicatorScore: indicatorScore, publicScore: pub,
                               deductions: deductions, weights: scheme.weights)
        return UnitScore(unit: nil, indicatorScore: indicatorScore, publicScore: pub,
                         deductions: deductions, total: total, grade: scheme.grades.grade(of: total),
                         complete: units.allSatisfy(\.complete), indicators: rows,
                         respondents: respondents, findings: [],
                         discrepancies: units.reduce(0) { $0 + $1.discrepancies })
    }

    /// What the overall takes of one unit's row of an indicator.
    struct Cell {
        var value: Exact?
        var met: Bool
        var discrepancy: Bool
    }

    /// The overall value of one indicator from the rows of the units it applies to.
    static func aggregate(indicator: Indicator, rows: [Cell], values: CurrentValues) -> Exact? {
        let aggregate = indicator.overall.aggregate
        if aggregate == .unit {
            guard let code = indicator.overall.unit else { return nil }
            return values.evidence(unit: code, indicator: indicator.code).value
        }
        guard !rows.isEmpty else { return nil }
        let numbers = rows.map { $0.value ?? .zero }
        switch aggregate {
        case .sum:
            return numbers.reduce(.zero, +)
        case .mean:
            return numbers.reduce(.zero, +) / Exact(numbers.count)
        case .min:
            return numbers.dropFirst().reduce(numbers[0], Exact.min)
        case .max:
            return numbers.dropFirst().reduce(numbers[0], Exact.max)
        case .shareMet:
            return Exact(rows.filter(\.met).count) / Exact(rows.count)
        case .unit:
            return nil  // handled above
        }
    }

    /// Byte order of the UTF-8 text — the order SQLite's BINARY collation gives — so
    /// findings list the same way whichever order the store handed them over.
    static func utf8Less(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }
}
