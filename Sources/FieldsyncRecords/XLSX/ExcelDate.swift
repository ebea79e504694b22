import FieldsyncModel
import FieldsyncProtocol

/// A date cell's serial number as the wall-clock date (and time) it shows.
///
/// Spreadsheets store a date as days since an epoch, the time of day as the fraction:
/// in the 1900 system (Excel's default, also WPS's and LibreOffice's in .xlsx) day 1 is
/// 1900-01-01 and day 60 the 29 February 1900 that never was (Lotus's bug, kept for
/// compatibility), so from day 61 on the epoch is 1899-12-30; in the 1904 system day 0
/// is 1904-01-01. The time is rounded to the second. Exact: the serial's decimal text is
/// read with `Exact`, never through `Double`.
enum ExcelDate {
    /// `2026-11-20`, or `2026-11-20T09:30:00` when the serial has a time of day; nil
    /// for a serial that is not a date (negative, the phantom 1900-02-29, past 9999).
    static func text(serial: String, date1904: Bool) -> String? {
        guard let value = Exact(decimal: serial), value >= .zero, value < Exact(2_958_466) else { return nil }
        // Seconds since the serial's day 0, rounded half-up.
        let seconds = (value * Exact(86_400)).rounded(places: 0)
        guard let total = Int(seconds.plainString(maxPlaces: 0)) else { return nil }
        var days = total / 86_400
        let secondOfDay = total % 86_400
        let epoch: Int
        if date1904 {
            epoch = daysFromCivil(1904, 1, 1)
        } else {
            if days == 60 { return nil }
            if days == 0 { return nil }  // "1900-01-00"
            epoch = days < 60 ? daysFromCivil(1899, 12, 31) : daysFromCivil(1899, 12, 30)
        }
        days += epoch
        let (y, m, d) = civilFromDays(days)
        let date = pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2)
        guard secondOfDay > 0 else { return date }
        return date + "T" + pad(secondOfDay / 3600, 2) + ":" + pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2)
    }

    private static func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
