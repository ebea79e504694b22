import FieldsyncProtocol
import Testing

/// The decimal numbers records may contain: read from their text, never through a
/// binary float, and nothing else taken for a number.
@Suite("DecimalText")
struct DecimalTextTests {
    @Test("Digits and exponent of what is accepted",
          arguments: [("79.99", false, "7999", -2), ("-3", true, "3", 0), ("+0.5", false, "5", -1), (".5", false, "5", -1),
                      ("1e3", false, "1", 3), ("2.5E-2", false, "25", -3), ("000120", false, "12", 1), ("0", false, "0", 0),
                      ("0.000", false, "0", 0), ("-0.0500", true, "5", -2)])
    func accepted(text: String, negative: Bool, digits: String, exponent: Int) throws {
        let d = try #require(DecimalText(text))
        #expect(d.negative == negative && d.digits == digits && d.exponent == exponent, "\(d)")
    }

    @Test("Not numbers here", arguments: ["", "-", ".", "1.2.3", "1,000", "1e", "NaN", "inf", "0x10", "١٢", "1 000", "e5", "1e+", "--1"])
    func refused(text: String) {
        #expect(DecimalText(text) == nil)
    }
}
