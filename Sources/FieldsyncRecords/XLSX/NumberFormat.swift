/// Whether a cell's number format shows a date: Excel's built-in date formats by id
/// (14–22, 45–47, and the East Asian 27–36 and 50–58, e.g. `yyyy"年"m"月"d"日"`), or a
/// custom format code with a year, month, day, hour or second in it outside quoted text,
/// `[…]` colours and conditions, and `\`-escaped characters.
enum NumberFormat {
    static let builtInDates: Set<Int> = Set(14...22).union(27...36).union(45...47).union(50...58)

    static func isDate(id: Int, code: String?) -> Bool {
        if let code { return isDate(code: code) }
        return builtInDates.contains(id)
    }

    static func isDate(code: String) -> Bool {
        var inQuote = false, inBracket = false, escaped = false
        var bracket = ""
        for character in code.lowercased() {
            if escaped { escaped = false; continue }
            if inQuote { if character == "\"" { inQuote = false }; continue }
            if inBracket {
                if character == "]" {
                    inBracket = false
                    // Elapsed time ([h], [mm], [ss]) is a duration shown as time: a date-time.
                    if ["h", "hh", "m", "mm", "s", "ss"].contains(bracket) { return true }
                } else {
                    bracket.append(character)
                }
                continue
            }
            switch character {
            case "\"": inQuote = true
            case "\\": escaped = true
            case "[": inBracket = true; bracket = ""
            case "_", "*": escaped = true  // the next character is padding
            case "y", "m", "d", "h", "s": return true
            default: continue
            }
        }
        return false
    }
}
