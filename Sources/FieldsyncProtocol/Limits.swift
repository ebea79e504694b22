/// The one table of limits: how large, long and precise anything that crosses a
/// boundary may be — a record in a drop file, a scheme, a scores document a daemon
/// sends and central receives.
///
/// Intake refuses a record beyond them with a clear error; scoring can then rely on
/// them (no arithmetic on an input can overflow, nothing accepted is later ignored);
/// central accepts at least what they allow, so a document the daemon stages is never
/// refused for its values. Every number here is far beyond what an evaluation needs
/// and far below what could hurt.
public enum Limits {
    /// Digits before the decimal point of a `value`, `deduction`, `score`, target or
    /// points: up to 999,999,999,999.
    public static let integerDigits = 12
    /// Digits after it: 6. With ``integerDigits``, at most 18 significant digits.
    public static let decimalPlaces = 6
    /// A survey's `respondents`.
    public static let respondents: ClosedRange<Int> = 1 ... 10_000_000
    /// A record's `revision`.
    public static let revision: ClosedRange<Int> = 1 ... Int(Int32.max)
    /// A scores document's `sequence`: one more per change of a period's scores, so
    /// this is beyond any real office — and a document cannot make itself the latest
    /// for ever with a sequence of 2⁶³−1.
    public static let sequence: ClosedRange<Int64> = 1 ... Int64(Int32.max)
    /// The years an `observed_at` may fall in (in the scheme's zone). A fixed range,
    /// not one around today, so nothing accepted now is refused later; an
    /// observation in the year 9999 cannot make itself "the latest" for ever.
    public static let observedYears: ClosedRange<Int> = 1900 ... 2199
    /// A record `id`, in bytes.
    public static let idBytes = 200
    /// A `note` or `by`, in characters.
    public static let textCharacters = 2000
    /// A code — office, period, unit, indicator, source — in bytes.
    public static let codeBytes = 64
    /// Units in one scheme, and in one scores document.
    public static let units = 10_000
    /// Indicators in one scheme.
    public static let indicators = 1000
    /// Points of a scores document's trend: the period's scored sequences, thinned to
    /// this many (the first, the last, evenly between) so a long year stays small.
    public static let trendPoints = 30

    /// Fields of one record: a JSON record's members, a CSV file's columns. A record
    /// has thirteen; a file of a million columns is refused before it costs memory.
    public static let recordFields = 64

    /// Digits before the point of a number in a scores document: an overall `sum`
    /// adds up to ``units`` values of ``integerDigits`` each, and deductions add up
    /// per indicator, so a document needs more than a record; 18 + 6 digits still read
    /// exactly as a `Decimal` (38 digits).
    public static let documentIntegerDigits = 18

    /// Whether `digits × 10^exponent` (``DecimalText``'s form) fits: at most
    /// `integerDigits` before the point and ``decimalPlaces`` after it.
    public static func fits(_ number: DecimalText, integerDigits: Int = Limits.integerDigits) -> Bool {
        number.isZero || (number.exponent >= -decimalPlaces && number.digits.count + number.exponent <= integerDigits)
    }

    /// Whether a number in plain canonical text (``DecimalText/canonical``: no exponent,
    /// no leading or trailing zeros) fits, as ``fits(_:)``.
    public static func fits(canonical text: String) -> Bool {
        let unsigned = text.utf8.first == UInt8(ascii: "-") ? text.utf8.dropFirst() : text.utf8[...]
        guard let point = unsigned.firstIndex(of: UInt8(ascii: ".")) else { return unsigned.count <= integerDigits }
        return unsigned.distance(from: unsigned.startIndex, to: point) <= integerDigits
            && unsigned.distance(from: point, to: unsigned.endIndex) - 1 <= decimalPlaces
    }

    /// Whether `text` is a code: 1 to ``codeBytes`` ASCII letters, digits, `.`, `_` or
    /// `-`, starting with a letter or digit. Codes go into idempotency keys, URLs, file
    /// names and SQL; nothing else is needed to name an office, a period, a unit or an
    /// indicator.
    public static func isCode(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, bytes.count <= codeBytes, isAlphanumeric(first) else { return false }
        return bytes.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }

    /// Why `text` is not an acceptable record id, or nil when it is: 1 to ``idBytes``
    /// bytes of characters that show. An id must look like what it is, or two ids that
    /// look the same would be two records — the same finding deducted twice. Refused:
    /// control and format characters (a BOM, a zero-width space, a direction mark),
    /// line and paragraph separators, whitespace other than the ordinary space (a
    /// no-break space), combining marks (`e` + U+0301 beside `é`, variation selectors),
    /// characters Unicode says to show as nothing (default ignorable: the Hangul
    /// fillers, U+034F) and the blank braille pattern U+2800.
    public static func idProblem(_ text: String) -> String? {
        if text.isEmpty || text.utf8.count > idBytes { return "must be 1 to \(idBytes) bytes" }
        // Printable ASCII shows as itself: most ids, checked without the character
        // database (asking it for every character of 200,000 ids was a third of ingest).
        if text.utf8.allSatisfy({ (0x21 ... 0x7E).contains($0) }) { return nil }
        for scalar in text.unicodeScalars where !showsAsItself(scalar) {
            return "must not contain an invisible, blank, combining or control character (U+\(String(scalar.value, radix: 16, uppercase: true)))"
        }
        return nil
    }

    /// Whether a character of an id shows as itself (see ``idProblem(_:)``).
    static func showsAsItself(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == " " { return true }
        let properties = scalar.properties
        switch properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .spaceSeparator, .surrogate, .privateUse,
             .unassigned, .nonspacingMark, .enclosingMark:
            return false
        default:
            return !properties.isDefaultIgnorableCodePoint && !properties.isWhitespace && scalar.value != 0x2800
        }
    }

    private static func isAlphanumeric(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
    }
}
