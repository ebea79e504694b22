import BigInt
import FieldsyncProtocol

/// An exact rational number: the arithmetic of every score.
///
/// The evaluation plan is published as a table that a clerk re-adds with a
/// calculator, so no binary floating point may touch a value on its way to a total.
/// Record values are read from their decimal text, ratios and means stay exact
/// fractions, and only the published components are rounded (half-up, 2 decimals).
public struct Exact: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Numerator of the reduced fraction.
    public let numerator: BigInt
    /// Denominator of the reduced fraction, always positive.
    public let denominator: BigInt

    public static let zero = Exact(0)
    public static let one = Exact(1)
    public static let hundred = Exact(100)

    public init(numerator: BigInt, denominator: BigInt) {
        precondition(!denominator.isZero, "Exact: zero denominator")
        var n = numerator
        var d = denominator
        if d.signum() < 0 { n = -n; d = -d }
        let g = n.magnitude.greatestCommonDivisor(with: d.magnitude)
        if g > 1 {
            n /= BigInt(g)
            d /= BigInt(g)
        }
        self.numerator = n
        self.denominator = d
    }

    public init(_ value: Int) {
        self.numerator = BigInt(value)
        self.denominator = 1
    }

    /// Reads a decimal number written as text: `79.99`, `-3`, `+0.5`, `.5`, `1e3`, `2.5E-2`.
    /// Returns nil for anything else (including `NaN`, `inf`, hex, thousands separators,
    /// and exponents beyond ±40, which no record needs and which would let a hostile
    /// file ask for enormous numbers).
    public init?<S: StringProtocol>(decimal text: S) {
        guard let parts = DecimalText(text) else { return nil }
        var n = BigInt(parts.digits) ?? 0
        if parts.negative { n = -n }
        let scale = parts.exponent
        if scale >= 0 {
            self.init(numerator: n * BigInt(10).power(scale), denominator: 1)
        } else {
            self.init(numerator: n, denominator: BigInt(10).power(-scale))
        }
    }

    public var isInteger: Bool { denominator == 1 }
    public var isZero: Bool { numerator.isZero }
    public var isNegative: Bool { numerator.signum() < 0 }

    public static func + (a: Exact, b: Exact) -> Exact {
        if a.denominator == b.denominator {
            return Exact(numerator: a.numerator + b.numerator, denominator: a.denominator)
        }
        return Exact(numerator: a.numerator * b.denominator + b.numerator * a.denominator,
                     denominator: a.denominator * b.denominator)
    }

    public static func - (a: Exact, b: Exact) -> Exact { a + (-b) }

    public static prefix func - (a: Exact) -> Exact {
        Exact(numerator: -a.numerator, denominator: a.denominator)
    }

    public static func * (a: Exact, b: Exact) -> Exact {
        Exact(numerator: a.numerator * b.numerator, denominator: a.denominator * b.denominator)
    }

    /// Division; the divisor must not be zero (callers check: targets and points are > 0
    /// by scheme validation, counts are ≥ 1 where they divide).
    public static func / (a: Exact, b: Exact) -> Exact {
        Exact(numerator: a.numerator * b.denominator, denominator: a.denominator * b.numerator)
    }

    public static func += (a: inout Exact, b: Exact) { a = a + b }

    public static func < (a: Exact, b: Exact) -> Bool {
        a.numerator * b.denominator < b.numerator * a.denominator
    }

    /// Rounds half-up (half away from zero) to `places` decimals: 89.995 → 90.00,
    /// 0.125 → 0.13, −0.125 → −0.13.
    public func rounded(places: Int = 2) -> Exact {
        let scale = BigInt(10).power(places)
        let scaled = numerator.magnitude * scale.magnitude
        let d = denominator.magnitude
        var (q, r) = scaled.quotientAndRemainder(dividingBy: d)
        if r * 2 >= d { q += 1 }
        let n = BigInt(q)
        return Exact(numerator: numerator.signum() < 0 ? -n : n, denominator: scale)
    }

    /// True when the value has a finite decimal expansion (its denominator has no
    /// prime factor but 2 and 5).
    public var isTerminating: Bool {
        var d = denominator.magnitude
        while d % 2 == 0 { d /= 2 }
        while d % 5 == 0 { d /= 5 }
        return d == 1
    }

    /// The value with exactly `places` decimals, rounded half-up: `decimalString(places: 2)`
    /// of 90 is `"90.00"`.
    public func decimalString(places: Int) -> String {
        let r = rounded(places: places)
        let scale = BigUInt(10).power(places)
        let m = r.numerator.magnitude * (scale / r.denominator.magnitude)
        let (whole, frac) = m.quotientAndRemainder(dividingBy: scale)
        var s = r.numerator.signum() < 0 ? "-" : ""
        s += String(whole)
        if places > 0 {
            let f = String(frac)
            s += "." + String(repeating: "0", count: places - f.count) + f
        }
        return s
    }

    /// The shortest exact decimal text when the expansion terminates within
    /// `maxPlaces` decimals (`79.99`, `2`, `0.5`); otherwise rounded half-up to
    /// `maxPlaces` decimals with trailing zeros removed. This is how numbers are
    /// written in JSON documents.
    public func plainString(maxPlaces: Int = 6) -> String {
        var s = decimalString(places: maxPlaces)
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        if s == "-0" { s = "0" }
        return s
    }

    public var description: String { plainString() }

    /// The fraction as text, `N` or `N/D` in lowest terms: how a store keeps an exact
    /// value that need not be a short decimal (a sum of surveys from before the limits).
    public var rationalText: String {
        denominator == 1 ? String(numerator) : "\(numerator)/\(denominator)"
    }

    /// Reads ``rationalText`` back; nil for anything else.
    public init?(rationalText text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard (1 ... 2).contains(parts.count), let n = BigInt(String(parts[0]), radix: 10) else { return nil }
        let d = parts.count == 2 ? BigInt(String(parts[1]), radix: 10) : BigInt(1)
        guard let d, d.signum() > 0 else { return nil }
        self.init(numerator: n, denominator: d)
    }

    public static func min(_ a: Exact, _ b: Exact) -> Exact { a < b ? a : b }
    public static func max(_ a: Exact, _ b: Exact) -> Exact { a < b ? b : a }
}
