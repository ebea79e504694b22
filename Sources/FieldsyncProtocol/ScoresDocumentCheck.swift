import Foundation

/// Checks that a parsed body is a scores document of SPEC §6 (`fieldsync.scores/2`, or
/// the `fieldsync.scores/1` that daemons before it send).
///
/// It checks shape and types, the value ranges the scoring rules guarantee (scores and
/// totals 0–100, deductions ≥ 0) and that `grade_zh` matches `grade`; it does not redo
/// the scoring. Members it does not know are allowed, so a sender may add fields
/// without breaking central. The first problem found is thrown, naming its field.
public enum ScoresDocumentCheck {
    /// The document's `schema`, as the daemon writes it: version 2 adds the scheme's
    /// rules, each indicator's reported and verified values, and the trend.
    public static let schema = "fieldsync.scores/2"
    /// Every version central accepts.
    public static let schemas = ["fieldsync.scores/1", schema]

    /// Returns the document's identity, or throws the first ``DocumentProblem``.
    public static func check(_ document: JSONValue) throws(DocumentProblem) -> IdempotencyKey {
        guard case .object = document else {
            throw DocumentProblem(field: "", message: "the document must be a JSON object, not \(document.typeName)")
        }
        let schema = try string(document, "schema", at: .top)
        guard Self.schemas.contains(schema) else {
            throw DocumentProblem(field: "schema", message: "must be \(Self.schemas.map { "\"\($0)\"" }.joined(separator: " or ")), got \"\(schema)\"")
        }
        if schema != Self.schemas[0] {
            try checkRules(try object(document, "rules", at: .top))
            try checkTrend(document)
        }
        let office = try identifier(document, "office")
        let period = try identifier(document, "period")
        let sequence = try sequenceNumber(document)

        let scheme = try object(document, "scheme", at: .top)
        _ = try text(scheme, "name", at: Place("scheme"))
        let sha256 = try string(scheme, "sha256", at: Place("scheme"))
        guard sha256.utf8.count == 64, sha256.utf8.allSatisfy(isLowerHex) else {
            throw DocumentProblem(field: "scheme.sha256", message: "must be 64 lowercase hexadecimal digits")
        }
        let generatedAt = try string(document, "generated_at", at: .top)
        guard Timestamp.isRFC3339(generatedAt) else {
            throw DocumentProblem(
                field: "generated_at",
                message: "must be an RFC 3339 timestamp with offset, e.g. 2026-11-27T04:00:00Z")
        }

        try checkScore(try object(document, "overall", at: .top), at: Place("overall"), named: false)

        guard let units = document["units"] else { throw missing("units") }
        guard case .array(let list) = units else { throw wrongType("units", expected: "array", got: units) }
        guard list.count <= Limits.units else {
            throw DocumentProblem(field: "units", message: "holds \(list.count) units; at most \(Limits.units)")
        }
        var codes = Set<String>()
        for (index, unit) in list.enumerated() {
            let place = Place("units", index)
            guard case .object = unit else { throw wrongType(place.text, expected: "object", got: unit) }
            try checkScore(unit, at: place, named: true)
            let code = try string(unit, "unit", at: place)
            guard codes.insert(code).inserted else {
                throw DocumentProblem(field: "\(place.text).unit", message: "unit \"\(code)\" appears twice")
            }
        }
        return IdempotencyKey(office: office, period: period, sequence: sequence)
    }

    /// A unit's score (or the overall score, which has no `unit` and `name`).
    private static func checkScore(_ score: JSONValue, at place: Place, named: Bool) throws(DocumentProblem) {
        let path = place.text
        if named {
            _ = try code(score, "unit", at: place)
            _ = try text(score, "name", at: place)
        }
        try number(score, "indicator_score", at: place, in: .percent)
        try number(score, "public_score", at: place, in: .percent)
        try number(score, "deductions", at: place, in: .nonNegative)
        try number(score, "total", at: place, in: .percent)
        let grade = try string(score, "grade", at: place)
        guard let chinese = Grade(rawValue: grade)?.chinese else {
            throw DocumentProblem(
                field: "\(path).grade", message: "must be excellent, good, average or poor, got \"\(grade)\"")
        }
        let gradeZh = try string(score, "grade_zh", at: place)
        guard gradeZh == chinese else {
            throw DocumentProblem(field: "\(path).grade_zh", message: "must be \"\(chinese)\" for grade \"\(grade)\"")
        }
        _ = try bool(score, "complete", at: place)

        guard let indicators = score["indicators"] else { throw missing(join(path, "indicators")) }
        guard case .array(let list) = indicators else {
            throw wrongType(join(path, "indicators"), expected: "array", got: indicators)
        }
        guard list.count <= Limits.indicators else {
            throw DocumentProblem(field: join(path, "indicators"), message: "holds \(list.count) indicators; at most \(Limits.indicators)")
        }
        for (index, indicator) in list.enumerated() {
            let at = Place(path, "indicators", index)
            guard case .object = indicator else { throw wrongType(at.text, expected: "object", got: indicator) }
            _ = try code(indicator, "code", at: at)
            if indicator["name"] != nil { _ = try text(indicator, "name", at: at) }
            try number(indicator, "score", at: at, in: .nonNegative)
            try optionalNumber(indicator, "points", at: at)
            try optionalNumber(indicator, "target", at: at)
            try optionalNumber(indicator, "value", at: at)
            try optionalNumber(indicator, "reported", at: at)
            try optionalNumber(indicator, "verified", at: at)
            if let met = indicator["met"] {
                guard case .bool = met else { throw wrongType("\(at.text).met", expected: "boolean", got: met) }
            }
        }
        if let findings = score["findings"] {
            guard case .array(let list) = findings else { throw wrongType(join(path, "findings"), expected: "array", got: findings) }
            for (index, finding) in list.enumerated() {
                let at = Place(path, "findings", index)
                guard case .object = finding else { throw wrongType(at.text, expected: "object", got: finding) }
                let id = try string(finding, "id", at: at)
                if let why = Limits.idProblem(id) { throw DocumentProblem(field: "\(at.text).id", message: why) }
                try number(finding, "deduction", at: at, in: .nonNegative)
                if let note = finding["note"], note != .null { _ = try text(finding, "note", at: at) }
            }
        }
    }

    /// Version 2's `rules`: the weights, grade bounds, tolerance and discrepancy
    /// deduction the scores were computed with (what a report states).
    private static func checkRules(_ rules: JSONValue) throws(DocumentProblem) {
        let weights = try object(rules, "weights", at: Place("rules"))
        try number(weights, "indicators", at: Place("rules.weights"), in: .percent)
        try number(weights, "public", at: Place("rules.weights"), in: .percent)
        let grades = try object(rules, "grades", at: Place("rules"))
        for key in ["excellent", "good", "average"] { try number(grades, key, at: Place("rules.grades"), in: .percent) }
        try number(rules, "tolerance", at: Place("rules"), in: .nonNegative)
        try number(rules, "discrepancy_deduction", at: Place("rules"), in: .nonNegative)
        let zone = try string(rules, "timezone", at: Place("rules"))
        guard zone.utf8.count <= Limits.codeBytes, TimeZone(identifier: zone) != nil else {
            throw DocumentProblem(field: "rules.timezone", message: "must be a time zone name such as Asia/Shanghai")
        }
    }

    /// Version 2's `trend`: the totals of the period's scored sequences, oldest first, at
    /// most ``Limits/trendPoints`` of them.
    private static func checkTrend(_ document: JSONValue) throws(DocumentProblem) {
        guard let trend = document["trend"] else { throw missing("trend") }
        guard case .array(let points) = trend else { throw wrongType("trend", expected: "array", got: trend) }
        guard points.count <= Limits.trendPoints else {
            throw DocumentProblem(field: "trend", message: "holds \(points.count) points; at most \(Limits.trendPoints)")
        }
        for (index, point) in points.enumerated() {
            let at = Place("trend", index)
            guard case .object = point else { throw wrongType(at.text, expected: "object", got: point) }
            let sequence = try value(point, "sequence", at: at)
            guard case .number(let text) = sequence, let n = Int64(text), Limits.sequence.contains(n) else {
                throw DocumentProblem(field: "\(at.text).sequence", message: "must be an integer from 1 to \(Limits.sequence.upperBound)")
            }
            guard Timestamp.isRFC3339(try string(point, "generated_at", at: at)) else {
                throw DocumentProblem(field: "\(at.text).generated_at", message: "must be an RFC 3339 timestamp with offset")
            }
            try number(point, "overall", at: at, in: .percent)
            let units = try object(point, "units", at: at)
            guard case .object(let members) = units else { continue }
            guard members.count <= Limits.units else {
                throw DocumentProblem(field: "\(at.text).units", message: "holds \(members.count) units; at most \(Limits.units)")
            }
            for (code, _) in members {
                guard Limits.isCode(code) else { throw DocumentProblem(field: "\(at.text).units", message: "\"\(code)\" is not a unit code") }
                try number(units, code, at: Place("\(at.text).units"), in: .percent)
            }
        }
    }

    // MARK: Field readers, each naming the field when it fails

    /// Where a member is (`units[3].indicators[7]`), made into text only when a problem
    /// names it: a document has thousands of indicators and findings.
    private struct Place {
        var base: String
        var list: String?
        var index: Int?

        static let top = Place("")

        init(_ base: String) { self.base = base }

        init(_ list: String, _ index: Int) {
            (self.base, self.index) = (list, index)
        }

        init(_ path: String, _ list: String, _ index: Int) {
            (self.base, self.list, self.index) = (path, list, index)
        }

        var text: String {
            let named = list.map { join(base, $0) } ?? base
            return index.map { "\(named)[\($0)]" } ?? named
        }
    }

    private static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    private static func missing(_ field: String) -> DocumentProblem {
        DocumentProblem(field: field, message: "is required")
    }

    private static func wrongType(_ field: String, expected: String, got value: JSONValue) -> DocumentProblem {
        DocumentProblem(field: field, message: "must be \(expected), not \(value.typeName)")
    }

    private static func value(_ container: JSONValue, _ key: String, at place: Place) throws(DocumentProblem) -> JSONValue {
        guard let value = container[key] else { throw missing(join(place.text, key)) }
        return value
    }

    private static func string(_ container: JSONValue, _ key: String, at place: Place) throws(DocumentProblem) -> String {
        let value = try value(container, key, at: place)
        guard case .string(let text) = value else { throw wrongType(join(place.text, key), expected: "string", got: value) }
        return text
    }

    private static func object(_ container: JSONValue, _ key: String, at place: Place) throws(DocumentProblem) -> JSONValue {
        let value = try value(container, key, at: place)
        guard case .object = value else { throw wrongType(join(place.text, key), expected: "object", got: value) }
        return value
    }

    private static func bool(_ container: JSONValue, _ key: String, at place: Place) throws(DocumentProblem) -> Bool {
        let value = try value(container, key, at: place)
        guard case .bool(let flag) = value else { throw wrongType(join(place.text, key), expected: "boolean", got: value) }
        return flag
    }

    /// What a number of a document may be.
    private enum Bound {
        /// 0 or more: a score, a deduction.
        case nonNegative
        /// 0 to 100: a component or a total.
        case percent

        func contains(_ n: DecimalText) -> Bool {
            let zero = n.digits == "0"
            if n.negative && !zero { return false }
            guard self == .percent, !zero else { return true }
            // digits × 10^exponent ≤ 100: fewer than three digits before the point, or
            // with three, exactly 100 (a 1 and zeros, however the text wrote them).
            let whole = n.digits.utf8.count + n.exponent
            if whole < 3 { return true }
            if whole > 3 { return false }
            return n.digits.utf8.first == UInt8(ascii: "1") && n.digits.utf8.dropFirst().allSatisfy { $0 == UInt8(ascii: "0") }
        }
    }

    private static func number(_ container: JSONValue, _ key: String, at place: Place, in bound: Bound) throws(DocumentProblem) {
        let value = try value(container, key, at: place)
        guard case .number(let text) = value else { throw wrongType(join(place.text, key), expected: "number", got: value) }
        let number = try withinLimits(text, at: place, key)
        guard bound.contains(number) else {
            throw DocumentProblem(field: join(place.text, key), message: "\(text) is out of range")
        }
    }

    /// Every number of a document is one the daemon could have sent: at most
    /// ``Limits/documentIntegerDigits`` before the point and ``Limits/decimalPlaces``
    /// after it — so `Decimal`'s 38 digits read it exactly, and 100.000…0001 is not
    /// taken for 100. (The field's name is made only for the error: a document has
    /// tens of thousands of numbers.)
    @discardableResult
    private static func withinLimits(_ text: String, at place: Place, _ key: String) throws(DocumentProblem) -> DecimalText {
        guard let number = DecimalText(text), Limits.fits(number, integerDigits: Limits.documentIntegerDigits) else {
            throw DocumentProblem(field: join(place.text, key), message: "\(text) has more than \(Limits.documentIntegerDigits) digits before the point or \(Limits.decimalPlaces) after it")
        }
        return number
    }

    private static let posix = Locale(identifier: "en_US_POSIX")

    /// A JSON number's text as a `Decimal` (never through `Double`), whatever the
    /// process locale.
    public static func decimal(_ text: String) -> Decimal? {
        Decimal(string: text, locale: posix)
    }

    private static func optionalNumber(_ container: JSONValue, _ key: String, at place: Place) throws(DocumentProblem) {
        guard let value = container[key] else { return }
        switch value {
        case .number(let text): try withinLimits(text, at: place, key)
        case .null: return
        default: throw wrongType(join(place.text, key), expected: "number", got: value)
        }
    }

    /// A code (a unit's, an indicator's): ``Limits/isCode(_:)``.
    private static func code(_ container: JSONValue, _ key: String, at place: Place) throws(DocumentProblem) -> String {
        let text = try string(container, key, at: place)
        guard Limits.isCode(text) else {
            throw DocumentProblem(field: join(place.text, key), message: "must be 1 to \(Limits.codeBytes) ASCII letters, digits, '.', '_' or '-', starting with a letter or digit")
        }
        return text
    }

    /// Text shown to people (a name, a note): at most ``Limits/textCharacters``.
    private static func text(_ container: JSONValue, _ key: String, at place: Place) throws(DocumentProblem) -> String {
        let text = try string(container, key, at: place)
        guard text.utf8.count <= Limits.textCharacters || text.count <= Limits.textCharacters else {
            throw DocumentProblem(field: join(place.text, key), message: "must be at most \(Limits.textCharacters) characters")
        }
        return text
    }

    /// `office` and `period` go into the idempotency key, the GET path and the page:
    /// codes (``Limits/isCode(_:)``), as the daemon's config and schemes have them.
    private static func identifier(_ document: JSONValue, _ key: String) throws(DocumentProblem) -> String {
        try code(document, key, at: .top)
    }

    /// `sequence` is an integer ≥ 1 written without fraction or exponent.
    private static func sequenceNumber(_ document: JSONValue) throws(DocumentProblem) -> Int64 {
        let value = try value(document, "sequence", at: .top)
        guard case .number(let text) = value else { throw wrongType("sequence", expected: "number", got: value) }
        guard let sequence = Int64(text), Limits.sequence.contains(sequence), text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw DocumentProblem(field: "sequence", message: "must be an integer from 1 to \(Limits.sequence.upperBound), got \(text)")
        }
        return sequence
    }

    private static func isLowerHex(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x61...0x66).contains(byte)
    }
}
