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
            epoch = Timestamp.daysFromCivil(year: 1904, month: 1, day: 1)
        } else {
            if days == 60 { return nil }
            if days == 0 { return nil }  // "1900-01-00"
            epoch = days < 60 ? Timestamp.daysFromCivil(year: 1899, month: 12, day: 31) : Timestamp.daysFromCivil(year: 1899, month: 12, day: 30)
        }
        days += epoch
        let (y, m, d) = Timestamp.civilFromDays(days)
        let date = pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2)
        guard secondOfDay > 0 else { return date }
        return date + "T" + pad(secondOfDay / 3600, 2) + ":" + pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2)
    }

    private static func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }
}
