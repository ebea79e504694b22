import FieldsyncModel
import FieldsyncProtocol
import Foundation

/// Checks one raw record against SPEC §2–§4: the fields its kind needs, the rights of
/// the source it came from, the scheme of its period, value types and ranges. Pure: it
/// knows nothing of files or the store (reconciliation checks come after, in the store).
public struct RecordValidator: Sendable {
    public let source: Source
    public let schemes: [String: Scheme]
    /// When the file arrived: records of a period whose scheme has closed are refused.
    public let receivedAt: Timestamp
    /// Per period: the scheme's units and indicators by code, looked up for every record.
    private let index: [String: PeriodIndex]
    /// The last lookups in `index`: the rows of a file mostly repeat them, and comparing
    /// a short string is cheaper than hashing it.
    private var recent = Recent()
    /// ``Limits/observedYears`` as instants in one zone (the scheme's): computed once,
    /// not asked of the time-zone database for every record.
    private var observedBounds: (zone: TimeZone, range: Range<Int64>)?

    private struct Recent {
        var periodCode = ""
        var period: PeriodIndex?
        /// A unit of `period`.
        var unit = ""
        var indicatorCode = ""
        /// The indicator of `period` named `indicatorCode`.
        var indicator: IndicatorEntry?
    }

    /// An indicator as the lookups hand it out: a reference, one retain, where the
    /// `Indicator` itself (a dozen references) cost every record of a large file a
    /// copy and a destruction — 9 % of the reader's time.
    final class IndicatorEntry: Sendable {
        let indicator: Indicator
        var rule: Rule { indicator.rule }
        init(_ indicator: Indicator) { self.indicator = indicator }
        func applies(to unit: String) -> Bool { indicator.applies(to: unit) }
    }

    /// A class, not a struct: it is passed around for every record, and a struct this
    /// size would be copied (and its dozens of references retained) each time.
    final class PeriodIndex: Sendable {
        let scheme: Scheme
        let units: Set<String>
        let indicators: [String: IndicatorEntry]
        /// A unit's and an indicator's code by its name (寿宁县 → shouning): clerks write
        /// names.
        let unitNames: [String: String]
        let indicatorNames: [String: String]
        let closed: Bool

        init(scheme: Scheme, closed: Bool) {
            self.scheme = scheme
            units = Set(scheme.units.map(\.code))
            indicators = Dictionary(scheme.indicators.map { ($0.code, IndicatorEntry($0)) }, uniquingKeysWith: { a, _ in a })
            unitNames = Self.unambiguous(scheme.units.map { ($0.name, $0.code) })
            indicatorNames = Self.unambiguous(scheme.indicators.map { ($0.name, $0.code) })
            self.closed = closed
        }

        /// Name → code for the names only one thing bears: a name two indicators share
        /// names neither (the clerk is told it is not an indicator), never the first.
        static func unambiguous(_ pairs: [(name: String, code: String)]) -> [String: String] {
            var codes: [String: String?] = [:]
            for (name, code) in pairs { codes[name] = codes[name] == nil ? code : .some(nil) }
            return codes.compactMapValues { $0 }
        }

        /// The unit's code, for its code or its name.
        func unitCode(_ text: String) -> String { units.contains(text) ? text : unitNames[text] ?? text }

        /// The indicator's code, for its code or its name.
        func indicatorCode(_ text: String) -> String { indicators.index(forKey: text) != nil ? text : indicatorNames[text] ?? text }
    }

    public init(source: Source, schemes: [String: Scheme], receivedAt: Timestamp) {
        self.source = source
        self.schemes = schemes
        self.receivedAt = receivedAt
        index = schemes.mapValues { scheme in
            PeriodIndex(scheme: scheme, closed: scheme.closesAt.map { receivedAt > $0 } ?? false)
        }
    }

    /// The fields every kind may carry, as a bit set of `RecordField` positions.
    static let commonFields = mask([.id, .kind, .period, .unit, .observedAt, .revision, .action, .note, .by, .basedOn])

    /// The fields a kind may carry (the common ones and its own), as a bit set.
    static func allowedFields(_ kind: RecordKind) -> UInt32 {
        switch kind {
        case .report, .spotcheck: commonFields | mask([.indicator, .value])
        case .finding: commonFields | mask([.deduction, .indicator])
        case .survey: commonFields | mask([.score, .respondents])
        }
    }

    static func mask(_ fields: [RecordField]) -> UInt32 {
        fields.reduce(0) { $0 | (1 << UInt32($1.rawValue)) }
    }

    /// `s.trimmingCharacters(in: .whitespacesAndNewlines)`, without the trip through
    /// NSString when there is nothing to trim — the usual case, and a third of the whole
    /// intake's time on a large file when every cell went through Foundation. The end
    /// scalars are read from the UTF-8 bytes; only when one might be whitespace (a
    /// superset of the set: Zs, Zl, Zp, tab and the line ends) does Foundation decide.
    static func trimmed(_ s: String) -> String {
        // Read in place (no copy of the string to make it mutable, as `withUTF8` needs).
        let mayTrim = s.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            guard let first = bytes.first, let last = bytes.last else { return false }
            // Printable ASCII at both ends (most cells): nothing to trim.
            if (0x21...0x7E).contains(first), (0x21...0x7E).contains(last) { return false }
            return mayBeWhitespace(firstScalar(bytes)) || mayBeWhitespace(lastScalar(bytes))
        } ?? true
        return mayTrim ? s.trimmingCharacters(in: .whitespacesAndNewlines) : s
    }

    /// The first scalar of valid UTF-8 (staging checked the file), decoded by hand: the
    /// String views' generic indexing is a measurable share of a large file's intake.
    private static func firstScalar(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        decodeScalar(bytes, from: 0)
    }

    private static func lastScalar(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var i = bytes.count - 1
        while i > 0 && bytes[i] & 0xC0 == 0x80 { i -= 1 }
        return decodeScalar(bytes, from: i)
    }

    private static func decodeScalar(_ bytes: UnsafeBufferPointer<UInt8>, from i: Int) -> UInt32 {
        let lead = UInt32(bytes[i])
        let (length, bits): (Int, UInt32) = switch lead {
        case ..<0x80: (1, lead)
        case 0xC0..<0xE0: (2, lead & 0x1F)
        case 0xE0..<0xF0: (3, lead & 0x0F)
        default: (4, lead & 0x07)
        }
        var value = bits
        var j = i + 1
        while j < min(i + length, bytes.count) {
            value = value << 6 | UInt32(bytes[j] & 0x3F)
            j += 1
        }
        return value
    }

    /// From the first instant of the first year of ``Limits/observedYears`` in `zone` up
    /// to the first of the year after the last.
    private mutating func observedRange(in zone: TimeZone) -> Range<Int64> {
        if let bounds = observedBounds, bounds.zone == zone { return bounds.range }
        let firstYear: Int = Limits.observedYears.lowerBound
        let yearAfter: Int = Limits.observedYears.upperBound + 1
        let first: Int64 = Timestamp.parse("\(firstYear)-01-01", zone: zone)?.microseconds ?? .min
        let after: Int64 = Timestamp.parse("\(yearAfter)-01-01", zone: zone)?.microseconds ?? .max
        let range = first ..< after
        observedBounds = (zone, range)
        return range
    }

    private static func mayBeWhitespace(_ c: UInt32) -> Bool {
        switch c {
        case 0x21...0x7E: false
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x180E, 0x2000...0x200B, 0x2028, 0x2029, 0x202F, 0x205F,
             0x3000, 0xFEFF: true
        case 0x00...0x7F: false
        // Above the ideographic space, Unicode has no whitespace (White_Space is a
        // closed list); below it, ask the character database.
        case 0x3001...: false
        default: Unicode.Scalar(c)?.properties.isWhitespace ?? false
        }
    }

    private mutating func lookUpPeriod(_ code: String) -> PeriodIndex? {
        if let period = recent.period, recent.periodCode == code { return period }
        recent = Recent(periodCode: code, period: index[code])
        return recent.period
    }

    private mutating func isUnit(_ unit: String, of period: PeriodIndex) -> Bool {
        if period === recent.period && unit == recent.unit { return true }
        guard period.units.contains(unit) else { return false }
        if period === recent.period { recent.unit = unit }
        return true
    }

    private mutating func lookUpIndicator(_ code: String, of period: PeriodIndex) -> IndicatorEntry? {
        if period === recent.period, let indicator = recent.indicator, code == recent.indicatorCode { return indicator }
        let indicator = period.indicators[code]
        if period === recent.period, indicator != nil { (recent.indicatorCode, recent.indicator) = (code, indicator) }
        return indicator
    }

    /// Returns the record, or nil after appending every problem found to `problems`.
    /// Mutating only to remember its last scheme lookups: the result depends on the
    /// record alone.
    public mutating func validate(_ raw: RawRecord, problems: inout [Problem]) -> Record? {
        let at = raw.location
        let before = problems.count
        for name in raw.unknown { problems.append(Reason.unknownField(at, name)) }
        for field in RecordField.allCases {
            if case .structured? = raw[field] {
                problems.append(Problem(at, field: field.name, zh: "必须是单个值,不能是数组或对象", en: "must be a single value, not an array or object"))
            }
        }

        func text(_ field: RecordField) -> String? {
            switch raw[field] {
            case .text(let s)?:
                let t = RecordValidator.trimmed(s)
                return t.isEmpty ? nil : t
            case .number(let n)?: return n
            case .bool(let b)?: return b ? "true" : "false"
            case .clockTime(let t)?: return t
            default: return nil
            }
        }
        /// The indicator's code, for its code or its name.
        func indicatorText(_ period: PeriodIndex?) -> String? {
            text(.indicator).map { i in period.map { $0.indicatorCode(i) } ?? i }
        }
        func require(_ field: RecordField) -> String? {
            guard let v = text(field) else { problems.append(Reason.required(at, field.name)); return nil }
            return v
        }
        func integer(_ field: RecordField, default value: Int, in range: ClosedRange<Int>) -> Int? {
            guard let t = text(field) else { return value }
            if let n = Int(t), range.contains(n) { return n }
            guard let d = DecimalText(t), !d.negative, d.exponent >= 0, d.digits.count + d.exponent <= 18,
                  let n = Int(d.canonical), range.contains(n) else {
                problems.append(Reason.invalid(at, field.name, t, zh: "必须是 \(range.lowerBound) 至 \(range.upperBound) 之间的整数",
                                               en: "must be a whole number from \(range.lowerBound) to \(range.upperBound)"))
                return nil
            }
            return n
        }
        /// A number of a record (value, deduction, score) within the limits, or a problem.
        func number(_ field: RecordField, _ raw: String, _ canonical: DecimalText.Canonical) -> String? {
            guard Limits.fits(canonical: canonical.text) else {
                problems.append(outOfRange(at, field.name, raw))
                return nil
            }
            return canonical.text
        }

        // id
        let id = require(.id)
        if let id, let why = Limits.idProblem(id) {
            problems.append(Reason.invalid(at, "id", id, zh: "编号必须为 1 至 \(Limits.idBytes) 字节,且不含不可见字符或控制字符", en: why))
        }
        // kind and the source's rights
        var kind: RecordKind?
        if let k = require(.kind) {
            if let parsed = RecordKind(named: k) {
                kind = parsed
                if !source.role.maySubmit(parsed) {
                    let allowed = source.role.kinds.map(\.rawValue).sorted().joined(separator: ", ")
                    problems.append(Problem(at, field: "kind", zh: "目录“\(source.name)”(\(source.role.rawValue))无权提交 \(parsed.rawValue) 类记录,只能提交 \(allowed)",
                                            en: "source \"\(source.name)\" (\(source.role.rawValue)) may not submit \(parsed.rawValue) records, only \(allowed)"))
                }
            } else {
                problems.append(Reason.invalid(at, "kind", k, zh: "必须是 report(自评)、spotcheck(抽查)、finding(问题)或 survey(测评)",
                                               en: "must be report (自评), spotcheck (抽查), finding (问题) or survey (测评)"))
            }
        }
        // action, revision
        var action = RecordAction.upsert
        if let a = text(.action) {
            if let parsed = RecordAction(named: a) { action = parsed }
            else { problems.append(Reason.invalid(at, "action", a, zh: "必须是 upsert(更新)或 retract(撤回)", en: "must be upsert (更新) or retract (撤回)")) }
        }
        let revision = integer(.revision, default: 1, in: Limits.revision)
        // A fill-in workbook's row names the revision it was made from instead.
        var basis: Record.Basis?
        if text(.basedOn) != nil {
            if text(.revision) != nil {
                problems.append(Problem(at, field: "based_on", zh: "“版本”和“基于版本”只能填一个",
                                        en: "give revision or based_on, not both"))
            } else if let b = integer(.basedOn, default: 0, in: 0 ... Limits.revision.upperBound - 1) {
                // A time the workbook does not say, or cannot be read, orders nothing.
                basis = Record.Basis(revision: b, savedAt: raw.savedAt.flatMap { Timestamp.parse($0, zone: .gmt) })
            }
        }
        // period and its scheme
        var period: PeriodIndex?
        let periodCode = require(.period)
        if let periodCode {
            period = lookUpPeriod(periodCode)
            if period == nil {
                let known = schemes.keys.sorted().joined(separator: ", ")
                problems.append(Reason.invalid(at, "period", periodCode, zh: "没有该期间的评估方案(已有:\(known))", en: "no scheme for this period (known: \(known))"))
            } else if let period, period.closed, let closes = period.scheme.closesAt {
                let when = closes.local(period.scheme.timeZone)
                problems.append(Problem(at, field: "period", zh: "\(periodCode) 期间已于 \(when) 截止,不再接收", en: "period \(periodCode) closed at \(when); no more records are taken"))
            }
        }
        // unit
        // A unit by its code or its name (寿宁县): kept as its code.
        let unit = require(.unit).map { u in period.map { $0.unitCode(u) } ?? u }
        if let unit {
            if let period, !isUnit(unit, of: period) {
                problems.append(Reason.invalid(at, "unit", unit, zh: "不是该方案中的单位", en: "is not a unit of the \(period.scheme.period) scheme"))
            }
            if source.role == .reporter, let own = source.unit, unit != own {
                problems.append(Problem(at, field: "unit", zh: "目录“\(source.name)”只能报送本单位(\(own))的数据,不能报送“\(unit)”",
                                        en: "source \"\(source.name)\" may only report for its own unit \(own), not \(unit)"))
            }
        }
        // observed_at
        var observedAt: Timestamp?
        if let o = require(.observedAt) {
            let zone = period?.scheme.timeZone ?? .current
            if case .clockTime? = raw[.observedAt] {
                observedAt = Timestamp.parse(clockTime: o, zone: zone)
            } else {
                observedAt = Timestamp.parse(o, zone: zone)
            }
            if observedAt == nil {
                problems.append(Reason.invalid(at, "observed_at", o, zh: "必须是日期(2026-11-20)或带时区的时间(2026-11-20T09:30:00+08:00)",
                                               en: "must be a date (2026-11-20) or a time with offset (2026-11-20T09:30:00+08:00)"))
            } else if let t = observedAt, !observedRange(in: zone).contains(t.microseconds) {
                let years = "\(Limits.observedYears.lowerBound)–\(Limits.observedYears.upperBound)"
                problems.append(Reason.invalid(at, "observed_at", o, zh: "年份须在 \(years) 之间", en: "must be in the years \(years)"))
                observedAt = nil
            }
        }
        let note = text(.note)
        let by = text(.by)
        func limitLength(_ field: RecordField, _ value: String?) {
            // Counting characters walks grapheme breaks: only for text that may be long.
            if let value, value.utf8.count > Limits.textCharacters, value.count > Limits.textCharacters {
                problems.append(Problem(at, field: field.name, zh: "超过 \(Limits.textCharacters) 字", en: "is longer than \(Limits.textCharacters) characters"))
            }
        }
        limitLength(.note, note)
        limitLength(.by, by)

        // The kind's own fields, made into the record at the end, once: a record made
        // early and changed in place was copied and destroyed on the way. Their number
        // checks run only for a row with no problem so far (and every field it needs),
        // as they did when they filled in that early record: a row already wrong is not
        // also told its numbers are out of range.
        let whole = kind != nil && problems.count == before && id != nil && periodCode != nil && unit != nil
            && observedAt != nil && revision != nil
        var indicator: String?, value: String?, deduction: String?, score: String?, respondents: Int?
        // Kind-specific fields (a retraction needs none of them).
        if let kind {
            let allowed = RecordValidator.allowedFields(kind)
            for field in RecordField.allCases where raw[field] != nil && allowed & (1 << UInt32(field.rawValue)) == 0 {
                problems.append(Reason.notUsed(at, field.name, kind: kind))
            }
            if action == .upsert {
                switch kind {
                case .report, .spotcheck:
                    let (code, canonical) = indicatorValue(at, indicatorText(period), text(.value), period, unit, &problems)
                    indicator = code
                    if whole { value = canonical.flatMap { v in number(.value, text(.value) ?? v, DecimalText.canonicalize(v)!) } }
                case .finding:
                    if let d = require(.deduction) {
                        if let dt = DecimalText.canonicalize(d), !dt.negative, !dt.isZero { if whole { deduction = number(.deduction, d, dt) } }
                        else if DecimalText.looksNumeric(d), !d.hasPrefix("-") { problems.append(outOfRange(at, "deduction", d)) }
                        else { problems.append(Reason.invalid(at, "deduction", d, zh: "扣分必须是大于 0 的数", en: "must be a number > 0")) }
                    }
                    indicator = indicatorText(period)
                    if let i = indicator, let period, lookUpIndicator(i, of: period) == nil {
                        problems.append(Reason.invalid(at, "indicator", i, zh: "不是该方案中的指标", en: "is not an indicator of the \(period.scheme.period) scheme"))
                    }
                case .survey:
                    if let s = require(.score) {
                        if let dt = DecimalText(s), !dt.negative, let e = Exact(decimal: dt.canonical), e <= .hundred,
                           let c = DecimalText.canonicalize(dt.canonical) {
                            if whole { score = number(.score, s, c) }
                        } else {
                            problems.append(Reason.invalid(at, "score", s, zh: "公众评议得分必须在 0–100 之间", en: "must be a number from 0 to 100"))
                        }
                    }
                    if whole { respondents = integer(.respondents, default: 1, in: Limits.respondents) }
                }
            } else if kind == .report || kind == .spotcheck {
                indicator = indicatorText(period)
            }
        }
        guard problems.count > before else {
            guard let kind, let id, let periodCode, let unit, let observedAt, let revision else { return nil }
            return Record(id: id, revision: basis.map { $0.revision + 1 } ?? revision, kind: kind, action: action,
                          period: periodCode, unit: unit, indicator: indicator, value: value, deduction: deduction,
                          score: score, respondents: respondents, observedAt: observedAt, note: note, by: by,
                          basis: basis, location: at)
        }
        // One problem per field: a field that is malformed is not also "required".
        var seen = Set<String>()
        var mine = problems[before...].filter { p in p.field.map { seen.insert($0).inserted } ?? true }
        problems.removeSubrange(before...)
        // In a workbook, a field's problem is at its cell (第2行 F列 / cell F2).
        if case .row(let row) = at, let letters = raw.columnLetters {
            for i in mine.indices {
                if let name = mine[i].field, let field = RecordField(name: name), let letter = letters[field.rawValue] {
                    mine[i].location = .cell(row: row, column: letter)
                }
            }
        }
        problems.append(contentsOf: mine)
        return nil
    }

    /// The indicator and value of a report or spot-check, checked against the rule.
    private mutating func indicatorValue(_ at: RecordLocation, _ indicatorText: String?, _ valueText: String?, _ period: PeriodIndex?,
                                _ unit: String?, _ problems: inout [Problem]) -> (String?, String?) {
        guard let code = indicatorText else {
            problems.append(Reason.required(at, "indicator"))
            if valueText == nil { problems.append(Reason.required(at, "value")) }
            return (nil, nil)
        }
        guard let raw = valueText else {
            problems.append(Reason.required(at, "value"))
            return (code, nil)
        }
        guard let period else { return (code, nil) }
        guard let indicator = lookUpIndicator(code, of: period) else {
            problems.append(Reason.invalid(at, "indicator", code, zh: "不是该方案中的指标", en: "is not an indicator of the \(period.scheme.period) scheme"))
            return (code, nil)
        }
        if let unit, isUnit(unit, of: period), !indicator.applies(to: unit) {
            problems.append(Problem(at, field: "indicator", zh: "指标“\(code)”不适用于单位“\(unit)”", en: "indicator \(code) does not apply to unit \(unit)"))
        }
        if indicator.rule == .boolean {
            switch raw {
            case "true", "1", "是", "yes": return (code, "1")
            case "false", "0", "否", "no": return (code, "0")
            default: break
            }
            switch raw.lowercased() {
            case "true", "yes": return (code, "1")
            case "false", "no": return (code, "0")
            default:
                if let d = DecimalText.canonicalize(raw), d.text == "1" || d.text == "0" { return (code, d.text) }
                problems.append(Reason.invalid(at, "value", raw, zh: "是否类指标的值必须是 true/false、是/否 或 1/0", en: "must be true/false, 是/否 or 1/0 for a yes/no indicator"))
                return (code, nil)
            }
        }
        guard let d = DecimalText.canonicalize(raw), !d.negative else {
            problems.append(DecimalText.looksNumeric(raw) && !raw.hasPrefix("-") ? outOfRange(at, "value", raw)
                : Reason.invalid(at, "value", raw, zh: "必须是不小于 0 的数", en: "must be a number ≥ 0"))
            return (code, nil)
        }
        if indicator.rule == .deduct, !d.isInteger {
            problems.append(Reason.invalid(at, "value", raw, zh: "扣分类指标的值是问题次数,必须是整数", en: "counts incidents for a deduct indicator, so it must be a whole number"))
            return (code, nil)
        }
        return (code, d.text)
    }

    /// A number too large or too precise for ``Limits``.
    func outOfRange(_ at: RecordLocation, _ field: String, _ raw: String) -> Problem {
        Reason.invalid(at, field, raw, zh: "数值超出范围:整数部分最多 \(Limits.integerDigits) 位,小数最多 \(Limits.decimalPlaces) 位",
                       en: "is out of range: at most \(Limits.integerDigits) digits before the point and \(Limits.decimalPlaces) after it")
    }
}
