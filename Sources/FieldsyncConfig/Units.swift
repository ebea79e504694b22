import FieldsyncModel
import Foundation

/// The parsing of `5s` and `64MiB`.
enum Units {
    static func duration(_ text: String) -> Duration? {
        let s = text.trimmingCharacters(in: .whitespaces)
        let units: [(String, Int64)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)]
        for (suffix, millis) in units where s.hasSuffix(suffix) {
            let number = s.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)
            guard let n = Exact(decimal: number), !n.isNegative else { return nil }
            let total = (n * Exact(Int(millis))).rounded(places: 0)
            guard let ms = Int64(total.plainString(maxPlaces: 0)) else { return nil }
            return .milliseconds(ms)
        }
        return nil
    }

    static func size(_ text: String) -> Int64? {
        let s = text.trimmingCharacters(in: .whitespaces)
        let units: [(String, Int64)] = [("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("B", 1)]
        for (suffix, factor) in units where s.hasSuffix(suffix) {
            guard let n = Int64(s.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)), n > 0 else { return nil }
            let (bytes, overflow) = n.multipliedReportingOverflow(by: factor)
            return overflow ? nil : bytes
        }
        return Int64(s).flatMap { $0 > 0 ? $0 : nil }
    }
}
