import Foundation

/// An instant, in whole microseconds since 1970-01-01T00:00:00Z.
///
/// Records carry `observed_at` either as ISO 8601 with an offset or as a bare date in
/// the scheme's zone; both become a `Timestamp` so that "the latest observation" is a
/// plain integer comparison, identical in Swift and in SQL.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var microseconds: Int64

    public init(microseconds: Int64) { self.microseconds = microseconds }

    public init(_ date: Date) {
        self.microseconds = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }


    public static func now() -> Timestamp { Timestamp(Date()) }

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.microseconds < b.microseconds }

    public var date: Date { Date(timeIntervalSince1970: Double(microseconds) / 1_000_000) }

    /// Parses `2026-11-20`, `2026-11-20T09:30:00+08:00`, `2026-11-20 09:30:00+0800`,
    /// `2026-11-20T01:30:00.250Z`. A bare date is midnight in `zone`; a date-time needs
    /// an offset (a clock time without a zone is ambiguous and is refused). An instant
    /// that ``iso8601`` could not write with four digits of year (before 0000 or after
    /// 9999 in UTC, e.g. `0000-01-01` east of Greenwich) is refused, so every parsed
    /// instant reads back.
    public static func parse(_ text: String, zone: TimeZone) -> Timestamp? {
        var text = text
        guard let t = text.withUTF8({ parse(utf8: $0, zone: zone) }), representable.contains(t.microseconds)
        else { return nil }
        return t
    }

    /// A clock time without an offset, `2026-11-20T09:30:00`, as it reads in `zone`: how
    /// a spreadsheet's date-and-time cell is read (a spreadsheet keeps no zone; the
    /// record's scheme gives it). Anything with an offset, or a bare date, is nil here.
    public static func parse(clockTime text: String, zone: TimeZone) -> Timestamp? {
        guard text.utf8.count == 19, let asUTC = parse(text + "Z", zone: zone) else { return nil }
        let utc = asUTC.microseconds / 1_000_000
        var offset = Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(utc))))
        offset = Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(utc - offset))))
        let t = Timestamp(microseconds: asUTC.microseconds - offset * 1_000_000)
        return representable.contains(t.microseconds) ? t : nil
    }

    /// 0000-01-01T00:00:00Z up to 9999-12-31T23:59:59.999999Z.
    private static let representable: ClosedRange<Int64> =
        Int64(daysFromCivil(year: 0, month: 1, day: 1)) * 86_400_000_000
        ... Int64(daysFromCivil(year: 10_000, month: 1, day: 1)) * 86_400_000_000 - 1

    private static func parse(utf8: UnsafeBufferPointer<UInt8>, zone: TimeZone) -> Timestamp? {
        var p = Scanner8(bytes: utf8)
        guard let year = p.digits(4), p.eat("-"), let month = p.digits(2), p.eat("-"),
              let day = p.digits(2), (1...12).contains(month),
              (1...daysIn(month: month, year: year)).contains(day)
        else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        if p.atEnd {
            let midnightUTC = Int64(days) * 86_400
            // The zone's offset at that midnight (try the offset at the UTC instant,
            // then correct once: enough for zones without a DST jump at midnight).
            var offset = Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(midnightUTC))))
            offset = Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(midnightUTC - offset))))
            return Timestamp(microseconds: (midnightUTC - offset) * 1_000_000)
        }
        guard p.eat("T") || p.eat("t") || p.eat(" "),
              let hour = p.digits(2), hour < 24, p.eat(":"), let minute = p.digits(2), minute < 60
        else { return nil }
        var second = 0
        var micros = 0
        if p.eat(":") {
            guard let s = p.digits(2), s < 61 else { return nil }
            second = min(s, 59)
            if p.eat(".") || p.eat(",") {
                var n = 0
                var scale = 100_000
                var count = 0
                while let d = p.digit() {
                    if count < 6 { n += d * scale; scale /= 10 }
                    count += 1
                }
                guard count > 0 else { return nil }
                micros = n
            }
        }
        var offsetSeconds = 0
        if p.eat("Z") || p.eat("z") {
            offsetSeconds = 0
        } else if let sign = p.sign() {
            guard let oh = p.digits(2), oh <= 14 else { return nil }
            _ = p.eat(":")
            guard let om = p.digits(2), om < 60 else { return nil }
            offsetSeconds = sign * (oh * 3600 + om * 60)
        } else {
            return nil
        }
        guard p.atEnd else { return nil }
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetSeconds)
        return Timestamp(microseconds: seconds * 1_000_000 + Int64(micros))
    }

    /// ISO 8601 in UTC with a `Z`, e.g. `2026-11-27T04:00:00Z` (fraction only when
    /// there is one).
    public var iso8601: String {
        let totalSeconds = microseconds >= 0 ? microseconds / 1_000_000 : (microseconds - 999_999) / 1_000_000
        let micros = Int(microseconds - totalSeconds * 1_000_000)
        let days = Int(totalSeconds >= 0 ? totalSeconds / 86_400 : (totalSeconds - 86_399) / 86_400)
        let secOfDay = Int(totalSeconds - Int64(days) * 86_400)
        let (y, m, d) = Self.civilFromDays(days)
        var s = String(format: "%04d-%02d-%02dT%02d:%02d:%02d", y, m, d, secOfDay / 3600, secOfDay / 60 % 60, secOfDay % 60)
        if micros != 0 {
            var f = String(format: "%06d", micros)
            while f.hasSuffix("0") { f.removeLast() }
            s += "." + f
        }
        return s + "Z"
    }

    public var description: String { iso8601 }

    /// ISO 8601 in UTC to the whole second, e.g. `2026-11-27T04:00:00Z`.
    public var iso8601Seconds: String {
        let seconds = microseconds >= 0 ? microseconds / 1_000_000 : (microseconds - 999_999) / 1_000_000
        return Timestamp(microseconds: seconds * 1_000_000).iso8601
    }

    /// Whether `text` is `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` with plausible fields.
    public static func isRFC3339(_ text: String) -> Bool {
        let b = Array(text.utf8)
        func digits(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= b.count else { return nil }
            var value = 0
            for i in range {
                guard (0x30...0x39).contains(b[i]) else { return nil }
                value = value * 10 + Int(b[i] - 0x30)
            }
            return value
        }
        func at(_ i: Int, _ c: Character) -> Bool { i < b.count && b[i] == c.asciiValue! }
        guard digits(0..<4) != nil, at(4, "-"), let month = digits(5..<7), at(7, "-"), let day = digits(8..<10),
            at(10, "T") || at(10, "t"), let hour = digits(11..<13), at(13, ":"), let minute = digits(14..<16),
            at(16, ":"), let second = digits(17..<19),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second <= 60
        else { return false }
        var i = 19
        if at(i, ".") {
            i += 1
            let start = i
            while i < b.count, (0x30...0x39).contains(b[i]) { i += 1 }
            guard i > start else { return false }
        }
        if at(i, "Z") || at(i, "z") { return i + 1 == b.count }
        guard at(i, "+") || at(i, "-"), let offsetHour = digits(i + 1..<i + 3), at(i + 3, ":"),
            let offsetMinute = digits(i + 4..<i + 6), offsetHour < 24, offsetMinute < 60
        else { return false }
        return i + 6 == b.count
    }


    /// The instant as people in `zone` read it, to the second, with the zone's offset:
    /// `2026-11-30 14:25:03 +08:00`.
    public func local(_ zone: TimeZone) -> String {
        let offset = zone.secondsFromGMT(for: date)
        let shifted = Timestamp(microseconds: microseconds + Int64(offset) * 1_000_000).iso8601
        let sign = offset < 0 ? "-" : "+"
        let zoneText = sign + String(format: "%02d:%02d", abs(offset) / 3600, abs(offset) / 60 % 60)
        return String(shifted.prefix(10)) + " " + String(shifted.dropFirst(11).prefix(8)) + " " + zoneText
    }

    // Howard Hinnant's days_from_civil / civil_from_days: days since 1970-01-01 of a
    // proleptic Gregorian date, and back (also a spreadsheet's serial dates).
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

/// A tiny cursor over UTF-8 bytes for the fixed-format parsers above.
private struct Scanner8 {
    let bytes: UnsafeBufferPointer<UInt8>
    var i = 0

    var atEnd: Bool { i == bytes.count }

    /// An ASCII scalar (a literal): compared as its byte. A `Character` here cost every
    /// timestamp of a large file a walk through grapheme breaking.
    mutating func eat(_ c: Unicode.Scalar) -> Bool {
        guard i < bytes.count, c.isASCII, bytes[i] == UInt8(truncatingIfNeeded: c.value) else { return false }
        i += 1
        return true
    }

    mutating func digit() -> Int? {
        guard i < bytes.count, bytes[i] >= 48, bytes[i] <= 57 else { return nil }
        defer { i += 1 }
        return Int(bytes[i] - 48)
    }

    mutating func digits(_ n: Int) -> Int? {
        var v = 0
        for _ in 0..<n {
            guard let d = digit() else { return nil }
            v = v * 10 + d
        }
        return v
    }

    mutating func sign() -> Int? {
        if eat("+") { return 1 }
        if eat("-") { return -1 }
        return nil
    }
}
