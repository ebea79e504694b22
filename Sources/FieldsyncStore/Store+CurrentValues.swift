import FieldsyncModel
import FieldsyncScoring
import GRDB

extension Store {
    /// The current values of a period (SPEC §4.1), read in one snapshot.
    public func currentValues(period: String, scheme: Scheme) throws -> CurrentValues {
        try writer.read { db in try Store.currentValues(db, period: period, scheme: scheme) }
    }

    /// The same, inside an open transaction (delivery computes the next document in the
    /// transaction that changed the records).
    public static func currentValues(_ db: Database, period: String, scheme: Scheme) throws -> CurrentValues {
        let units = Set(scheme.units.map(\.code))
        let indicators = Set(scheme.indicators.map(\.code))
        var values = CurrentValues()
        // Latest of each kind per unit × indicator: by observed_at, then revision, then id.
        struct Key: Hashable { var unit: String, indicator: String, kind: String }
        var best: [Key: (observed: Int64, revision: Int, id: String, value: String)] = [:]
        let rows = try Row.fetchCursor(db, sql: """
            SELECT record_id, revision, kind, unit, indicator, value, deduction, score, respondents, observed_at, note
            FROM revision WHERE in_force = 1 AND period = ? AND action = 'upsert'
            """, arguments: [period])
        while let row = try rows.next() {
            let id: String = row[0], revision: Int = row[1], kind: String = row[2], unit: String = row[3]
            guard units.contains(unit) else { continue }
            switch kind {
            case "report", "spotcheck":
                guard let indicator: String = row[4], indicators.contains(indicator), let value: String = row[5] else { continue }
                let key = Key(unit: unit, indicator: indicator, kind: kind)
                let candidate = (observed: row[9] as Int64, revision: revision, id: id, value: value)
                if let current = best[key],
                   (current.observed, current.revision, current.id) > (candidate.observed, candidate.revision, candidate.id) {
                    continue
                }
                best[key] = candidate
            case "survey":
                guard let s: String = row[7], let score = Exact(decimal: s) else { continue }
                values.surveys[unit, default: []].append(SurveyResult(id: id, score: score, respondents: row[8] ?? 1))
            case "finding":
                guard let d: String = row[6], let deduction = Exact(decimal: d) else { continue }
                values.findings[unit, default: []].append(Finding(id: id, deduction: deduction, note: row[10]))
            default: continue
            }
        }
        for (key, v) in best {
            guard let value = Exact(decimal: v.value) else { continue }
            var e = values.evidence[key.unit]?[key.indicator] ?? Evidence()
            if key.kind == "spotcheck" { e.spotcheck = value } else { e.report = value }
            values.evidence[key.unit, default: [:]][key.indicator] = e
        }
        return values
    }
}
