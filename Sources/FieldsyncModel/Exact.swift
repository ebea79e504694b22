import BigInt
import FieldsyncProtocol

/// An exact rational number: the arithmetic of every score.
///
/// The evaluation plan is published as a table that a clerk re-adds with a
/// calculator, so no binary floating point may touch a value on its way to a total.
/// Record values are read from their decimal text, ratios and means stay exact
/// fractions, and only the published components are rounded (half-up, 2 decimals).
///
/// A fraction whose terms fit in 128 bits — every value the table of limits lets in,
/// and every sum, ratio and mean of them in practice — is kept and computed in
/// `Int128`, checked for overflow at every step; one that does not is kept as `BigInt`s
/// and computed exactly all the same. The two are one value type: the same number has
/// one representation (the small one whenever it fits), so equality and hashing do not
/// depend on how a value was reached.
public struct Exact: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The reduced fraction, denominator positive: in `Int128` when both terms fit
    /// (the numerator never `Int128.min`), else in `BigInt`.
    enum Storage: Sendable, Hashable {
        case small(Int128, Int128)
        case big(BigInt, BigInt)
    }

    let storage: Storage

    /// Numerator of the reduced fraction.
    public var numerator: BigInt {
        switch storage {
        case .small(let n, _): Exact.bigInt(n)
        case .big(let n, _): n
        }
    }

    /// Denominator of the reduced fraction, always positive.
    public var denominator: BigInt {
        switch storage {
        case .small(_, let d): Exact.bigInt(d)
        case .big(_, let d): d
        }
    }

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
        if let small = Exact.int128(n), let smallD = Exact.int128(d) {
            storage = .small(small, smallD)
        } else {
            storage = .big(n, d)
        }
    }

    /// `x` in 128 bits, never `Int128.min`; nil when it does not fit. Through the
    /// magnitude: BigInt's two's-complement words of a negative number beyond one word
    /// do not convert (`Int128(exactly:)` gave a wrong value; ExactTests caught it).
    static func int128(_ x: BigInt) -> Int128? {
        guard let m = UInt128(exactly: x.magnitude), m <= UInt128(Int128.max) else { return nil }
        return x.signum() < 0 ? -Int128(m) : Int128(m)
    }

    /// `x` as a BigInt, through its magnitude (see ``int128(_:)``).
    static func bigInt(_ x: Int128) -> BigInt {
        BigInt(sign: x < 0 ? .minus : .plus, magnitude: BigUInt(x.magnitude))
    }

    /// `n/d` reduced (`d` ≠ 0); in `BigInt` only when a term is `Int128.min`, whose
    /// negation does not fit.
    init(small n: Int128, _ d: Int128) {
        precondition(d != 0, "Exact: zero denominator")
        guard n != .min, d != .min else {
            self.init(numerator: Exact.bigInt(n), denominator: Exact.bigInt(d))
            return
        }
        var n = n
        var d = d
        if d < 0 { n = -n; d = -d }
        let g = Exact.gcd(n.magnitude, d.magnitude)
        if g > 1 {
            n /= Int128(g)
            d /= Int128(g)
        }
        self.init(storage: .small(n, d))
    }

    public init(_ value: Int) {
        storage = .small(Int128(value), 1)
    }

    /// Binary GCD of two magnitudes (Stein's algorithm); gcd(0, x) = x.
    static func gcd(_ a: UInt128, _ b: UInt128) -> UInt128 {
        // Scores' terms fit in 64 bits: the same steps in one machine word each.
        if let a = UInt64(exactly: a), let b = UInt64(exactly: b) { return UInt128(binaryGCD(a, b)) }
        return binaryGCD(a, b)
    }

    private static func binaryGCD<T: FixedWidthInteger & UnsignedInteger>(_ a: T, _ b: T) -> T {
        if a == 0 { return b }
        if b == 0 { return a }
        var a = a, b = b
        let shift = (a | b).trailingZeroBitCount
        a >>= a.trailingZeroBitCount
        repeat {
            b >>= b.trailingZeroBitCount
            if a > b { swap(&a, &b) }
            b -= a
        } while b != 0
        return a << shift
    }

    /// Reads a decimal number written as text: `79.99`, `-3`, `+0.5`, `.5`, `1e3`, `2.5E-2`.
    /// Returns nil for anything else (including `NaN`, `inf`, hex, thousands separators,
    /// and exponents beyond ±40, which no record needs and which would let a hostile
    /// file ask for enormous numbers).
    public init?<S: StringProtocol>(decimal text: S) {
        guard let parts = DecimalText(text) else { return nil }
        // Up to 36 digits scaled by at most 10^±36: in 128 bits (10^38 > 2^126).
        if parts.digits.utf8.count <= 36, (-36 ... 0).contains(parts.exponent)
            || (parts.exponent > 0 && parts.digits.utf8.count + parts.exponent <= 36) {
            var m: Int128 = 0
            for byte in parts.digits.utf8 { m = m * 10 + Int128(byte &- UInt8(ascii: "0")) }
            if parts.negative { m = -m }
            var scale: Int128 = 1
            for _ in 0 ..< abs(parts.exponent) { scale *= 10 }
            self = parts.exponent >= 0 ? Exact(small: m * scale, 1) : Exact(small: m, scale)
            return
        }
        var n = BigInt(parts.digits) ?? 0
        if parts.negative { n = -n }
        let scale = parts.exponent
        if scale >= 0 {
            self.init(numerator: n * BigInt(10).power(scale), denominator: 1)
        } else {
            self.init(numerator: n, denominator: BigInt(10).power(-scale))
        }
    }

    public var isInteger: Bool {
        switch storage {
        case .small(_, let d): d == 1
        case .big(_, let d): d == 1
        }
    }

    public var isZero: Bool {
        switch storage {
        case .small(let n, _): n == 0
        case .big(let n, _): n.isZero
        }
    }

    public var isNegative: Bool {
        switch storage {
        case .small(let n, _): n < 0
        case .big(let n, _): n.signum() < 0
        }
    }

    public static func + (a: Exact, b: Exact) -> Exact {
        if case .small(let an, let ad) = a.storage, case .small(let bn, let bd) = b.storage {
            if ad == bd {
                let (n, o) = an.addingReportingOverflow(bn)
                if !o { return Exact(small: n, ad) }
            } else {
                let (x, o1) = an.multipliedReportingOverflow(by: bd)
                let (y, o2) = bn.multipliedReportingOverflow(by: ad)
                let (d, o3) = ad.multipliedReportingOverflow(by: bd)
                if !(o1 || o2 || o3) {
                    let (n, o4) = x.addingReportingOverflow(y)
                    if !o4 { return Exact(small: n, d) }
                }
            }
        }
        if a.denominator == b.denominator {
            return Exact(numerator: a.numerator + b.numerator, denominator: a.denominator)
        }
        return Exact(numerator: a.numerator * b.denominator + b.numerator * a.denominator,
                     denominator: a.denominator * b.denominator)
    }

    public static func - (a: Exact, b: Exact) -> Exact { a + (-b) }

    public static prefix func - (a: Exact) -> Exact {
        // A small numerator is never Int128.min, so its negation fits.
        if case .small(let n, let d) = a.storage { return Exact(storage: .small(-n, d)) }
        return Exact(numerator: -a.numerator, denominator: a.denominator)
    }

    private init(storage: Storage) { self.storage = storage }

    public static func * (a: Exact, b: Exact) -> Exact {
        if case .small(let an, let ad) = a.storage, case .small(let bn, let bd) = b.storage {
            let (n, o1) = an.multipliedReportingOverflow(by: bn)
            let (d, o2) = ad.multipliedReportingOverflow(by: bd)
            if !(o1 || o2) { return Exact(small: n, d) }
        }
        return Exact(numerator: a.numerator * b.numerator, denominator: a.denominator * b.denominator)
    }

    /// Division; the divisor must not be zero (callers check: targets and points are > 0
    /// by scheme validation, counts are ≥ 1 where they divide).
    public static func / (a: Exact, b: Exact) -> Exact {
        if case .small(let an, let ad) = a.storage, case .small(let bn, let bd) = b.storage {
            let (n, o1) = an.multipliedReportingOverflow(by: bd)
            let (d, o2) = ad.multipliedReportingOverflow(by: bn)
            if !(o1 || o2) { return Exact(small: n, d) }
        }
        return Exact(numerator: a.numerator * b.denominator, denominator: a.denominator * b.numerator)
    }

    public static func += (a: inout Exact, b: Exact) { a = a + b }

    public static func < (a: Exact, b: Exact) -> Bool {
        if case .small(let an, let ad) = a.storage, case .small(let bn, let bd) = b.storage {
            if ad == bd { return an < bn }
            let (x, o1) = an.multipliedReportingOverflow(by: bd)
            let (y, o2) = bn.multipliedReportingOverflow(by: ad)
            if !(o1 || o2) { return x < y }
        }
        return a.numerator * b.denominator < b.numerator * a.denominator
    }

    /// 10^places in 128 bits, for places 0…38.
    private static func power10(_ places: Int) -> UInt128? {
        guard (0 ... 38).contains(places) else { return nil }
        var p: UInt128 = 1
        for _ in 0 ..< places { p *= 10 }
        return p
    }

    /// |value| × 10^places rounded half-up, in 128 bits when it fits.
    private func scaledMagnitude(places: Int) -> UInt128? {
        guard case .small(let n, let d) = storage, let scale = Exact.power10(places) else { return nil }
        let (scaled, o) = n.magnitude.multipliedReportingOverflow(by: scale)
        guard !o else { return nil }
        let dm = d.magnitude
        var (q, r) = scaled.quotientAndRemainder(dividingBy: dm)
        // r * 2 >= d, without overflow: r ≥ d - r.
        if r >= dm - r { q += 1 }
        return q
    }

    /// Rounds half-up (half away from zero) to `places` decimals: 89.995 → 90.00,
    /// 0.125 → 0.13, −0.125 → −0.13.
    public func rounded(places: Int = 2) -> Exact {
        if let q = scaledMagnitude(places: places), let scale = Exact.power10(places), q <= UInt128(Int128.max) {
            return Exact(small: isNegative ? -Int128(q) : Int128(q), Int128(scale))
        }
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
        if case .small(_, let d) = storage {
            var d = d.magnitude
            d >>= d.trailingZeroBitCount
            while d % 5 == 0 { d /= 5 }
            return d == 1
        }
        var d = denominator.magnitude
        while d % 2 == 0 { d /= 2 }
        while d % 5 == 0 { d /= 5 }
        return d == 1
    }

    /// The value with exactly `places` decimals, rounded half-up: `decimalString(places: 2)`
    /// of 90 is `"90.00"`.
    public func decimalString(places: Int) -> String {
        if let q = scaledMagnitude(places: places), let scale = Exact.power10(places) {
            let negative = isNegative && q != 0
            var s = negative ? "-" : ""
            s += String(q / scale)
            if places > 0 {
                let f = String(q % scale)
                s += "." + String(repeating: "0", count: places - f.count) + f
            }
            return s
        }
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
        var bytes: [UInt8] = []
        appendPlain(maxPlaces: maxPlaces, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// ``plainString(maxPlaces:)``'s text, appended as UTF-8 to `bytes` (a document
    /// writes tens of thousands of numbers: no string each).
    public func appendPlain(maxPlaces: Int = 6, to bytes: inout [UInt8]) {
        guard let q = scaledMagnitude(places: maxPlaces) else {
            bytes.append(contentsOf: bigPlainString(maxPlaces: maxPlaces).utf8)
            return
        }
        if q == 0 { bytes.append(UInt8(ascii: "0")); return }
        if isNegative { bytes.append(UInt8(ascii: "-")) }
        // Every published number fits in 64 bits: its digits by one-word division.
        if let small = UInt64(exactly: q) {
            Exact.appendDigits(small, places: maxPlaces, to: &bytes)
        } else {
            Exact.appendDigits(q, places: maxPlaces, to: &bytes)
        }
    }

    /// `q` ÷ 10^`places` in plain decimal, trailing fractional zeros removed (`q` > 0).
    private static func appendDigits<T: UnsignedInteger>(_ q: T, places maxPlaces: Int, to bytes: inout [UInt8]) {
        var q = q
        var places = maxPlaces
        while places > 0, q % 10 == 0 { q /= 10; places -= 1 }
        // Digits from the right into a small buffer, then appended in order.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 48) { digits in
            var n = digits.count
            var i = 0
            repeat {
                if i == places, places > 0 { n -= 1; digits[n] = UInt8(ascii: ".") }
                n -= 1
                digits[n] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: q % 10)
                q /= 10
                i += 1
            } while q > 0 || i <= places
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[n...]))
        }
    }

    /// ``plainString(maxPlaces:)`` of a value beyond 128 bits, through `BigInt`.
    private func bigPlainString(maxPlaces: Int) -> String {
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
