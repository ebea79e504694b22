import FieldsyncProtocol
import FieldsyncTesting
import XCTest

/// The strict JSON reader: numbers verbatim, order kept, ambiguous input refused.
final class JSONValueParserTests: XCTestCase {
    private func parse(_ text: String) throws -> JSONValue { try JSONParser.parse(Array(text.utf8)) }

    func testNumbersKeepTheirText() throws {
        XCTAssertEqual(
            try parse("[86.615, 79.99, 0, -0, 1e3, 2.50, 12345678901234567890.000001]"),
            .array([
                .number("86.615"), .number("79.99"), .number("0"), .number("-0"), .number("1e3"), .number("2.50"),
                .number("12345678901234567890.000001"),
            ]))
    }

    func testObjectsKeepMemberOrderAndStrings() throws {
        let value = try parse(#" {"b": "寿宁县", "a": "\u5b81\ud83d\ude00\n", "c": [true, false, null]} "#)
        guard case .object(let members) = value else { return XCTFail("not an object") }
        XCTAssertEqual(members.map(\.key), ["b", "a", "c"])
        XCTAssertEqual(value["a"], .string("宁😀\n"))
        XCTAssertEqual(value["b"], .string("寿宁县"))
    }

    func testRefusesWhatOtherReadersMightReadDifferently() {
        for text in [
            #"{"a":1,"a":2}"#, "[01]", "[1.]", "[.5]", "[+1]", "[1,]", "{\"a\":1,}", "[\"\\ud800\"]",
            "\"a\tb\"", "[1] [2]", "NaN", "", "\u{FEFF}{}",
            String(repeating: "[", count: 100) + String(repeating: "]", count: 100),
        ] {
            XCTAssertThrowsError(try parse(text), text)
        }
        XCTAssertThrowsError(try JSONParser.parse([0x22, 0xFF, 0x22]), "invalid UTF-8")
    }
}

import Testing

/// What the daemon and central both refuse, so that they never read a text two ways.
@Suite("JSONParser, strict")
struct JSONParserStrictTests {
    @Test("Refused, with where", arguments: [
        (#"{"value": 1, "value": 2}"#, "appears twice"),
        (#"["\ud800"]"#, "unpaired surrogate"),
        (#"[1] [2]"#, "after the JSON value"),
        (#"{"a": 01}"#, "expected ',' or '}'"),
        (String(repeating: "[", count: 100) + String(repeating: "]", count: 100), "nested too deeply"),
    ])
    func refused(text: String, says: String) {
        let error = #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(Array(text.utf8)) }
        #expect(error?.message.contains(says) == true, "\(String(describing: error))")
    }

    @Test("A name given twice is refused in a small object and in a large one", arguments: [3, 15, 16, 17, 40])
    func nameTwice(members: Int) {
        let names = (0 ..< members).map { "\"k\($0)\": \($0)" } + ["\"k2\": 0"]
        let text = "{" + names.joined(separator: ", ") + "}"
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(Array(text.utf8)) }
        let fine = "{" + (0 ..< members).map { "\"k\($0)\": \($0)" }.joined(separator: ", ") + "}"
        #expect((try? JSONParser.parse(Array(fine.utf8)))?["k\(members - 1)"] == .number("\(members - 1)"))
    }

    @Test("Invalid UTF-8 inside a string is refused")
    func invalidUTF8() {
        let bytes: [UInt8] = Array(#"["a"#.utf8) + [0xFF] + Array(#""]"#.utf8)
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(bytes) }
    }

    @Test("An error says the line and column of a multi-line text")
    func lineAndColumn() {
        let error = #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(Array("{\n  \"a\": 1,\n  \"a\": 2\n}".utf8)) }
        #expect(error?.line == 3 && error?.column == 3, "\(String(describing: error))")
    }
}
