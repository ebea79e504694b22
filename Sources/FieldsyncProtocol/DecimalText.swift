/// The syntax of a decimal number, split into sign, significant digits and a power of
/// ten. Kept apart from `Exact` so that intake can validate and normalise numbers
/// (`canonical`) without building big integers for every cell of a large file.
public struct DecimalText: Sendable, Equatable {
    public var negative: Bool
    /// The digits without a decimal point and without leading zeros ("0" for zero).
    public var digits: String
    /// The value is `digits × 10^exponent`.
    public var exponent: Int

    public init?<S: StringProtocol>(_ text: S) {
        let bytes = Array(text.utf8)
        var i = 0
        var negative = false
        if i < bytes.count, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
            negative = bytes[i] == UInt8(ascii: "-")
            i += 1
        }
        var digits: [UInt8] = []
        digits.reserveCapacity(bytes.count)
        var sawDigit = false
        var fractionDigits = 0
        while i < bytes.count, bytes[i] >= 48, bytes[i] <= 57 {
            digits.append(bytes[i]); sawDigit = true; i += 1
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            while i < bytes.count, bytes[i] >= 48, bytes[i] <= 57 {
                digits.append(bytes[i]); sawDigit = true; fractionDigits += 1; i += 1
            }
        }
        guard sawDigit else { return nil }
        var exponent = 0
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            var expNegative = false
            if i < bytes.count, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
                expNegative = bytes[i] == UInt8(ascii: "-")
                i += 1
            }
            var sawExpDigit = false
            while i < bytes.count, bytes[i] >= 48, bytes[i] <= 57 {
                exponent = exponent * 10 + Int(bytes[i] - 48)
                sawExpDigit = true
                i += 1
                if exponent > 40 { return nil }
            }
            guard sawExpDigit else { return nil }
            if expNegative { exponent = -exponent }
        }
        guard i == bytes.count else { return nil }
        // Normalise: strip leading zeros and trailing zeros (moving them to the exponent).
        var start = 0
        while start < digits.count - 1, digits[start] == 48 { start += 1 }
        var end = digits.count
        var exp = exponent - fractionDigits
        while end - start > 1, digits[end - 1] == 48 { end -= 1; exp += 1 }
        let significant = digits[start..<end]
        if significant.count == 1, significant.first == 48 {
            self.negative = false
            self.digits = "0"
            self.exponent = 0
        } else {
            guard significant.count <= 60 else { return nil }
            self.negative = negative
            self.digits = String(decoding: significant, as: UTF8.self)
            self.exponent = exp
        }
    }

    public var isZero: Bool { digits == "0" }

    /// Whether `text` is written as a number — sign, digits, a point, an exponent — of
    /// any size: what ``init(_:)`` refuses only for its magnitude is out of range, not
    /// "not a number".
    public static func looksNumeric<S: StringProtocol>(_ text: S) -> Bool {
        var sawDigit = false, sawPoint = false, sawExponent = false, digitAfterExponent = false
        for (i, b) in text.utf8.enumerated() {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if sawExponent { digitAfterExponent = true } else { sawDigit = true }
            case UInt8(ascii: "-"), UInt8(ascii: "+"):
                guard i == 0 || !digitAfterExponent && sawExponent else { return false }
            case UInt8(ascii: "."):
                guard !sawPoint, !sawExponent else { return false }
                sawPoint = true
            case UInt8(ascii: "e"), UInt8(ascii: "E"):
                guard sawDigit, !sawExponent else { return false }
                sawExponent = true
            default: return false
            }
        }
        return sawDigit && (!sawExponent || digitAfterExponent)
    }

    /// A decimal's canonical text and what intake checks of it.
    public struct Canonical: Sendable, Equatable {
        public var text: String
        public var negative: Bool
        public var isZero: Bool
        public var isInteger: Bool
    }

    /// The canonical text of a decimal number (as `canonical`), or nil if it is none.
    /// Text that is already canonical — nearly every cell of a real file — is returned
    /// as it is, without building anything: this runs once per value of every record.
    public static func canonicalize(_ text: String) -> Canonical? {
        var copy = text
        let fast: Canonical? = copy.withUTF8 { b in
            // -?(0|[1-9][0-9]*)(\.[0-9]*[1-9])?
            let n = b.count
            var i = 0
            var negative = false
            if i < n, b[i] == UInt8(ascii: "-") { negative = true; i += 1 }
            guard i < n, b[i] >= 48, b[i] <= 57 else { return nil }
            let intStart = i
            if b[i] == 48 {
                i += 1
                if i < n, b[i] >= 48, b[i] <= 57 { return nil }
            } else {
                while i < n, b[i] >= 48, b[i] <= 57 { i += 1 }
            }
            let zeroInteger = i - intStart == 1 && b[intStart] == 48
            var isInteger = true
            if i < n, b[i] == UInt8(ascii: ".") {
                isInteger = false
                i += 1
                let fractionStart = i
                while i < n, b[i] >= 48, b[i] <= 57 { i += 1 }
                guard i > fractionStart, b[i - 1] != 48 else { return nil }
            }
            guard i == n else { return nil }
            let isZero = zeroInteger && isInteger
            if isZero && negative { return nil }  // "-0" is canonically "0"
            return Canonical(text: text, negative: negative, isZero: isZero, isInteger: isInteger)
        }
        if let fast { return fast }
        guard let d = DecimalText(text) else { return nil }
        return Canonical(text: d.canonical, negative: d.negative, isZero: d.isZero, isInteger: d.exponent >= 0)
    }

    /// Plain decimal notation without exponent, leading or trailing zeros:
    /// `080.50` → `80.5`, `1e3` → `1000`, `-0` → `0`.
    public var canonical: String {
        var s = negative ? "-" : ""
        if exponent >= 0 {
            s += digits + String(repeating: "0", count: exponent)
        } else {
            let places = -exponent
            if digits.count > places {
                let cut = digits.index(digits.endIndex, offsetBy: -places)
                s += digits[..<cut] + "." + digits[cut...]
            } else {
                s += "0." + String(repeating: "0", count: places - digits.count) + digits
            }
        }
        return s
    }
}
