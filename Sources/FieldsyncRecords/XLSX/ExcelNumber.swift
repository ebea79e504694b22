import FieldsyncProtocol

/// A number cell's stored text (`<v>`) as a person typed it.
///
/// Spreadsheets store numbers as binary doubles and write them out as text: most as
/// typed (`79.99`), some with the double's noise (`79.989999999999995`, `1E-3`). Excel
/// shows 15 significant digits, and so does this: the text is rounded half-up to 15
/// significant digits and written plainly, without an exponent — as decimal text, never
/// through `Double`.
enum ExcelNumber {
    static let significantDigits = 15

    /// nil when the text is not a number at all.
    static func text(_ stored: String) -> String? {
        guard let d = DecimalText(stored) else { return nil }
        var digits = Array(d.digits.utf8).map { Int($0 - UInt8(ascii: "0")) }
        var exponent = d.exponent
        if digits.count > significantDigits {
            let roundUp = digits[significantDigits] >= 5
            exponent += digits.count - significantDigits
            digits.removeLast(digits.count - significantDigits)
            if roundUp {
                var i = digits.count - 1
                while i >= 0 {
                    if digits[i] == 9 { digits[i] = 0; i -= 1 } else { digits[i] += 1; break }
                }
                if i < 0 { digits.insert(1, at: 0); digits.removeLast(); exponent += 1 }
            }
        }
        while digits.count > 1, digits.last == 0 { digits.removeLast(); exponent += 1 }
        if digits == [0] { return "0" }
        // value = digits × 10^exponent, written plainly.
        var out = d.negative ? "-" : ""
        let text = String(decoding: digits.map { UInt8(ascii: "0") + UInt8($0) }, as: UTF8.self)
        if exponent >= 0 {
            out += text + String(repeating: "0", count: exponent)
        } else {
            let point = text.count + exponent
            if point > 0 {
                out += String(text.prefix(point)) + "." + String(text.dropFirst(point))
            } else {
                out += "0." + String(repeating: "0", count: -point) + text
            }
        }
        return out
    }
}
