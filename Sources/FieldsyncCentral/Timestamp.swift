import Foundation

/// The timestamps central reads and writes: RFC 3339 with an explicit offset.
enum Timestamp {
    /// Whether `text` is `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` with plausible fields.
    static func isRFC3339(_ text: String) -> Bool {
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

    /// `date` as UTC RFC 3339 to the second, e.g. `2026-11-27T04:00:00Z`.
    static func utcString(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
