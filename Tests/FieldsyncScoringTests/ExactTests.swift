import BigInt
@testable import FieldsyncModel
import FieldsyncProtocol
import FieldsyncTesting
import Testing

/// `Exact` computes in `Int128` while a fraction fits and in `BigInt` beyond: both
/// must give the very same numbers. Checked against a plain `BigInt` fraction on
/// random operands — short decimals as records hold them, terms near 2¹²⁷ where the
/// fast path overflows, and terms beyond 128 bits.
@Suite("Exact arithmetic")
struct ExactTests {
    /// The reference: a reduced BigInt fraction, computed the obvious way.
    struct Fraction: Equatable {
        var n: BigInt
        var d: BigInt
        init(_ n: BigInt, _ d: BigInt) {
            var n = n, d = d
            if d < 0 { n = -n; d = -d }
            let g = BigInt(n.magnitude.greatestCommonDivisor(with: d.magnitude))
            self.n = g > 1 ? n / g : n
            self.d = g > 1 ? d / g : d
        }
        static func + (a: Fraction, b: Fraction) -> Fraction { Fraction(a.n * b.d + b.n * a.d, a.d * b.d) }
        static func - (a: Fraction, b: Fraction) -> Fraction { Fraction(a.n * b.d - b.n * a.d, a.d * b.d) }
        static func * (a: Fraction, b: Fraction) -> Fraction { Fraction(a.n * b.n, a.d * b.d) }
        static func / (a: Fraction, b: Fraction) -> Fraction { Fraction(a.n * b.d, a.d * b.n) }
        static func < (a: Fraction, b: Fraction) -> Bool { a.n * b.d < b.n * a.d }
        /// Half away from zero, to `places` decimals, as text with exactly that many.
        func decimal(_ places: Int) -> String {
            let scale = BigInt(10).power(places)
            var (q, r) = (n.magnitude * scale.magnitude).quotientAndRemainder(dividingBy: d.magnitude)
            if r * 2 >= d.magnitude { q += 1 }
            let whole = String(q / scale.magnitude), frac = String(q % scale.magnitude)
            let sign = n < 0 && q != 0 ? "-" : ""
            return places == 0 ? sign + whole : sign + whole + "." + String(repeating: "0", count: places - frac.count) + frac
        }
        func plain(_ places: Int) -> String {
            var s = decimal(places)
            if s.contains(".") {
                while s.hasSuffix("0") { s.removeLast() }
                if s.hasSuffix(".") { s.removeLast() }
            }
            return s == "-0" ? "0" : s
        }
    }

    /// Random operands of the kinds that matter, from a seeded generator.
    struct Rng {
        var source: SplitMix64
        init(state: UInt64) { source = SplitMix64(seed: state) }
        mutating func next() -> UInt64 { source.next() }
        mutating func below(_ n: UInt64) -> UInt64 { source.below(n) }
        /// A magnitude of about `bits` bits, at least 1.
        mutating func magnitude(bits: Int) -> BigInt {
            var m = BigInt(0)
            for _ in 0 ..< (bits + 63) / 64 { m = (m << 64) + BigInt(next()) }
            return max(1, m >> (((bits + 63) / 64) * 64 - bits))
        }
        mutating func fraction() -> Fraction {
            switch below(4) {
            case 0:  // a record's decimal: up to 12 digits and 6 places
                let places = Int(below(7))
                let n = BigInt(Int64(below(1_000_000_000_000))) * (below(2) == 0 ? 1 : -1)
                return Fraction(n, BigInt(10).power(places))
            case 1:  // a ratio of small integers
                return Fraction(BigInt(Int64(below(10_000))) - 5000, BigInt(Int64(below(999) + 1)))
            case 2:  // terms near 2^127: the fast path overflows on the first product
                return Fraction(magnitude(bits: 100 + Int(below(27))) * (below(2) == 0 ? 1 : -1), magnitude(bits: 90 + Int(below(37))))
            default:  // beyond 128 bits
                return Fraction(magnitude(bits: 129 + Int(below(60))), magnitude(bits: 1 + Int(below(140))))
            }
        }
    }

    static func exact(_ f: Fraction) -> Exact { Exact(numerator: f.n, denominator: f.d) }

    static func same(_ e: Exact, _ f: Fraction) -> Bool { e.numerator == f.n && e.denominator == f.d }

    @Test("Every operation gives the reference's fraction and text", arguments: [1, 2, 3, 4])
    func againstTheReference(seed: UInt64) {
        var rng = Rng(state: seed)
        for _ in 0 ..< 2500 {
            let (a, b) = (rng.fraction(), rng.fraction())
            let (x, y) = (Self.exact(a), Self.exact(b))
            #expect(Self.same(x + y, a + b), "\(a) + \(b)")
            #expect(Self.same(x - y, a - b), "\(a) - \(b)")
            #expect(Self.same(x * y, a * b), "\(a) * \(b)")
            if b.n != 0 { #expect(Self.same(x / y, a / b), "\(a) / \(b)") }
            #expect((x < y) == (a < b), "\(a) < \(b)")
            for places in [0, 2, 4, 6] {
                #expect(x.decimalString(places: places) == a.decimal(places), "\(a) to \(places)")
                #expect(x.plainString(maxPlaces: places) == a.plain(places), "\(a) plain \(places)")
            }
            #expect(Self.same(x.rounded(places: 2), Fraction(BigInt(a.decimal(2).replacingOccurrences(of: ".", with: ""))!, 100)))
        }
    }

    @Test("One number, one representation: equal and hashed alike however it was reached")
    func oneRepresentation() {
        let viaSmall = Exact(decimal: "0.1")! + Exact(decimal: "0.2")!
        let viaBig = Exact(numerator: BigInt(3) << 200, denominator: BigInt(10) << 200)
        #expect(viaSmall == viaBig)
        #expect(viaSmall.hashValue == viaBig.hashValue)
        let huge = Exact(numerator: BigInt(1) << 130, denominator: 3)
        #expect((huge - huge) == .zero)
        #expect(((huge / huge) * Exact(7)) == Exact(7))
    }

    @Test("Decimal text reads as the reference reads it, in 128 bits or beyond",
          arguments: ["79.99", "-3", "+0.5", ".5", "1e3", "2.5E-2", "000120", "0.000001", "999999999999.999999", "-0",
                      "123456789012345678901234567890123456", "1234567890123456789012345678901234567", "1e36", "1e37",
                      "1e-36", "1e-37", "-0.000000000000000000000000000000000001", "12345678901234567890.123456789012345678"])
    func decimalText(text: String) throws {
        let parts = try #require(DecimalText(text))
        var n = BigInt(parts.digits)! * (parts.negative ? -1 : 1)
        var d = BigInt(1)
        if parts.exponent >= 0 { n *= BigInt(10).power(parts.exponent) } else { d = BigInt(10).power(-parts.exponent) }
        let x = try #require(Exact(decimal: text))
        #expect(Self.same(x, Fraction(n, d)), "\(text)")
    }

    @Test("The ends of 128 bits", arguments: ["170141183460469231731687303715884105727", "-170141183460469231731687303715884105727",
                                              "170141183460469231731687303715884105728", "-170141183460469231731687303715884105728"])
    func ends(text: String) {
        let n = BigInt(text)!
        let x = Exact(numerator: n, denominator: 1)
        #expect(x.numerator == n)
        #expect(Self.same(x + x, Fraction(n * 2, 1)))
        #expect(Self.same(-x, Fraction(-n, 1)))
        #expect(Self.same(x * Exact(numerator: 1, denominator: 3), Fraction(n, 3)))
        #expect(x.plainString(maxPlaces: 2) == text)
    }
}
