import Crypto
import FieldsyncModel
import FieldsyncProtocol
import Foundation

extension Scheme {
    /// Reads and checks a scheme file (SPEC §3). Every mistake names the file and key.
    public static func load(_ path: String) throws(ConfigError) -> Scheme {
        let file = Paths.absolute(path)
        let (data, text) = try Config.read(file)
        let sha = Hex.encode(SHA256.hash(data: data))
        return try parse(file: file, text: text, sha256: sha)
    }

    /// Parses scheme text; `file` is only used in errors.
    public static func parse(file: String, text: String, sha256: String) throws(ConfigError) -> Scheme {
        let toml = try TOMLReader(file: file, text: text)
        let period = try toml.requiredString("period")
        guard Limits.isCode(period) else { throw toml.error("period", "must be 1 to \(Limits.codeBytes) letters, digits, '.', '_' or '-' (ASCII), starting with a letter or digit: it goes into idempotency keys, URLs and file names, got \"\(period)\"") }
        let name = try toml.requiredName("name")
        let zoneName = try toml.string("timezone") ?? "Asia/Shanghai"
        guard let zone = TimeZone(identifier: zoneName) else {
            throw toml.error("timezone", "unknown time zone \"\(zoneName)\" (e.g. Asia/Shanghai)")
        }
        var closesAt: Timestamp?
        if let c = try toml.string("closes_at") {
            guard let t = Timestamp.parse(c, zone: zone) else {
                throw toml.error("closes_at", "must be an ISO 8601 time with offset, e.g. 2027-02-01T00:00:00+08:00")
            }
            closesAt = t
        }

        var weights = Weights(indicators: Exact(decimal: "0.7")!, public: Exact(decimal: "0.3")!)
        if let t = try toml.table("weights") {
            weights.indicators = try t.exact("indicators") ?? weights.indicators
            weights.public = try t.exact("public") ?? weights.public
            try t.rejectUnknownKeys()
            guard !weights.indicators.isNegative, !weights.public.isNegative else {
                throw t.error(nil, "weights must not be negative")
            }
            guard weights.indicators + weights.public == .one else {
                throw t.error("public", "indicators + public must sum to 1 (they are \(weights.indicators) + \(weights.public))")
            }
        }

        var grades = GradeBounds(excellent: Exact(90), good: Exact(76), average: Exact(60))
        if let t = try toml.table("grades") {
            grades.excellent = try t.exact("excellent") ?? grades.excellent
            grades.good = try t.exact("good") ?? grades.good
            grades.average = try t.exact("average") ?? grades.average
            try t.rejectUnknownKeys()
            guard grades.excellent > grades.good, grades.good > grades.average, !grades.average.isNegative else {
                throw t.error(nil, "bounds must fall: excellent > good > average ≥ 0")
            }
        }

        var verification = Verification()
        if let t = try toml.table("verification") {
            verification.tolerance = try t.exact("tolerance") ?? .zero
            verification.discrepancyDeduction = try t.exact("discrepancy_deduction") ?? .zero
            try t.rejectUnknownKeys()
            guard !verification.tolerance.isNegative else { throw t.error("tolerance", "must not be negative") }
            guard !verification.discrepancyDeduction.isNegative else {
                throw t.error("discrepancy_deduction", "must not be negative")
            }
        }

        var units: [SchemeUnit] = []
        for t in try toml.tables("unit") {
            let code = try t.requiredString("code")
            guard Limits.isCode(code) else { throw t.error("code", "must be 1 to \(Limits.codeBytes) letters, digits, '.', '_' or '-' (ASCII), starting with a letter or digit: it goes into idempotency keys, URLs and file names, got \"\(code)\"") }
            let unitName = try t.requiredName("name")
            try t.rejectUnknownKeys()
            guard units.count < Limits.units else { throw t.error("code", "a scheme has at most \(Limits.units) units") }
            guard !units.contains(where: { $0.code == code }) else { throw t.error("code", "unit \"\(code)\" is listed twice") }
            units.append(SchemeUnit(code: code, name: unitName))
        }
        guard !units.isEmpty else { throw toml.error("unit", "at least one [[unit]] is required") }
        let unitCodes = Set(units.map(\.code))

        var indicators: [Indicator] = []
        for t in try toml.tables("indicator") {
            let code = try t.requiredString("code")
            guard Limits.isCode(code) else { throw t.error("code", "must be 1 to \(Limits.codeBytes) letters, digits, '.', '_' or '-' (ASCII), starting with a letter or digit: it goes into idempotency keys, URLs and file names, got \"\(code)\"") }
            guard indicators.count < Limits.indicators else { throw t.error("code", "a scheme has at most \(Limits.indicators) indicators") }
            guard !indicators.contains(where: { $0.code == code }) else {
                throw t.error("code", "indicator \"\(code)\" is listed twice")
            }
            let indicatorName = try t.requiredName("name")
            guard let aspect = Aspect(rawValue: try t.requiredString("aspect")) else {
                throw t.error("aspect", "must be business (部门业务工作实绩) or capacity (行政能力建设)")
            }
            guard let points = try t.exact("points") else { throw t.error("points", "is required") }
            guard points > .zero else { throw t.error("points", "must be more than 0") }
            guard let rule = Rule(rawValue: try t.requiredString("rule")) else {
                throw t.error("rule", "must be ratio, threshold, boolean, deduct or manual")
            }
            let target = try t.exact("target")
            let targets = try t.numberTable("targets") ?? [:]
            let per = try t.exact("per")
            let appliesTo = try t.stringArray("applies_to") ?? []
            for u in appliesTo where !unitCodes.contains(u) {
                throw t.error("applies_to", "unknown unit \"\(u)\"")
            }
            for (u, v) in targets {
                guard unitCodes.contains(u) else { throw t.error("targets.\(u)", "unknown unit \"\(u)\"") }
                guard v > .zero else { throw t.error("targets.\(u)", "must be more than 0") }
            }
            if rule == .ratio || rule == .threshold {
                let covered = units.map(\.code).filter { appliesTo.isEmpty || appliesTo.contains($0) }
                if let target {
                    guard target > .zero else { throw t.error("target", "must be more than 0") }
                } else if !covered.allSatisfy({ targets[$0] != nil }) {
                    throw t.error("target", "is required for rule \(rule.rawValue) (or a per-unit entry in targets for every unit)")
                }
            }
            if rule == .deduct {
                guard let per else { throw t.error("per", "is required for rule deduct: points lost per incident") }
                guard per > .zero else { throw t.error("per", "must be more than 0") }
            }
            let applicable = appliesTo.isEmpty ? units.map(\.code) : appliesTo
            var overall: Overall
            if let o = try t.table("overall") {
                guard let agg = Aggregate(rawValue: try o.requiredString("aggregate")) else {
                    throw o.error("aggregate", "must be sum, mean, min, max, share_met or unit")
                }
                overall = Overall(aggregate: agg, target: try o.exact("target"), unit: try o.string("unit"))
                if agg == .unit {
                    if overall.unit == nil, applicable.count == 1 { overall.unit = applicable[0] }
                    guard let u = overall.unit, applicable.contains(u) else {
                        throw o.error("unit", "must name a unit the indicator applies to")
                    }
                    // The overall is that unit's value: scored against that unit's target.
                    if overall.target == nil, target == nil { overall.target = targets[u] }
                }
                if let ot = overall.target, !(ot > .zero) { throw o.error("target", "must be more than 0") }
                if (rule == .ratio || rule == .threshold), overall.target == nil, target == nil {
                    throw o.error("target", "is required: the indicator has no default target")
                }
                try o.rejectUnknownKeys()
            } else if applicable.count == 1 {
                // The one unit's value, against the one unit's target (without a default
                // `target`, an overall scored against none would be 0 whatever it is).
                overall = Overall(aggregate: .unit, target: target == nil ? targets[applicable[0]] : nil, unit: applicable[0])
            } else {
                throw t.error("overall", "is required when the indicator applies to more than one unit, e.g. overall = { aggregate = \"share_met\", target = 1 }")
            }
            try t.rejectUnknownKeys()
            indicators.append(Indicator(code: code, name: indicatorName, aspect: aspect, points: points, rule: rule,
                                        target: target, targets: targets, per: per, appliesTo: appliesTo,
                                        overall: overall))
        }
        guard !indicators.isEmpty else { throw toml.error("indicator", "at least one [[indicator]] is required") }
        try toml.rejectUnknownKeys()
        return Scheme(period: period, name: name, timeZone: zone, closesAt: closesAt, weights: weights,
                      grades: grades, verification: verification, units: units, indicators: indicators,
                      sha256: sha256)
    }
}
