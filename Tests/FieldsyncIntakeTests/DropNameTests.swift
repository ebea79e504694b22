@testable import FieldsyncIntake
@testable import FieldsyncSystem
import FieldsyncTesting
import Testing

@Suite("Drop names: what is read, how it is shown, what is derived from it")
struct DropNameTests {
    @Test("Names writers use while writing are not read",
          arguments: [(".hidden.json", true), ("~$报表.xlsx", true), ("a.csv.tmp", true), ("a.part", true), ("a.swp", true),
                      ("a.csv", false), ("tmp.csv", false), ("报表.csv", false)])
    func temporary(name: String, temporary: Bool) throws {
        #expect(DropName.isTemporary(try #require(FileName(name))) == temporary)
    }

    @Test("A name is text when it is UTF-8 without control characters",
          arguments: [([UInt8]("寿宁县.csv".utf8), "寿宁县.csv"), ([UInt8]("a\tb.csv".utf8), nil), ([0xC4, 0xFE], nil),
                      ([UInt8]("a\u{85}b".utf8), nil), ([UInt8]("50%.csv".utf8), "50%.csv")])
    func text(bytes: [UInt8], text: String?) throws {
        #expect(DropName.text(try #require(FileName(bytes: bytes))) == text)
    }

    @Test("Escaping keeps what is readable and writes every other byte as %XX",
          arguments: [([0xCA, 0xD9, 0x2D] + [UInt8]("报表.csv".utf8), "%CA%D9-报表.csv"),
                      ([UInt8]("a\nb%.csv".utf8), "a%0Ab%25.csv"),
                      ([UInt8]("c%0A.csv".utf8), "c%250A.csv"),
                      ([UInt8]("备份~1.csv".utf8), "备份%7E1.csv"),
                      ([0xE5, 0xAF], "%E5%AF"),  // a character cut short
                      ([UInt8]("寿宁".utf8), "寿宁")])
    func escaped(bytes: [UInt8], escaped: String) throws {
        #expect(DropName.escaped(try #require(FileName(bytes: bytes))) == escaped)
    }

    @Test("A derived name that fits is the plain concatenation")
    func derivedFits() {
        #expect(DropName.derived("寿宁县.csv", suffix: ".receipt.json").string == "寿宁县.csv.receipt.json")
        #expect(DropName.derived("a.csv", prefix: "1700000000000000-").string == "1700000000000000-a.csv")
    }

    @Test("A derived name too long for one entry is cut at a character and tagged with a hash",
          arguments: [String(repeating: "寿", count: 85), String(repeating: "a", count: 255), String(repeating: "%FF", count: 200)])
    func derivedShortened(base: String) {
        let derived = DropName.derived(base, prefix: "1764475200000000-", suffix: ".receipt.json")
        #expect(derived.bytes.count <= 255)
        let text = derived.string ?? ""
        #expect(text.hasPrefix("1764475200000000-") && text.hasSuffix(".receipt.json"))
        #expect(text.contains("~"))
        // Two long names that start alike get different names.
        let other = DropName.derived(base + "x", prefix: "1764475200000000-", suffix: ".receipt.json")
        #expect(other != derived)
    }

    @Test("A file set aside never takes an errors file's name")
    func setAside() throws {
        #expect(DropName.setAside(FileName(stringLiteral: "d.csv.errors.txt")) == "d.csv%2Eerrors.txt")
        #expect(DropName.setAside(FileName(stringLiteral: "d.csv")) == "d.csv")
    }

    @Test("A shortened name cannot be a name someone drops: a dropped ~ is escaped")
    func shortenedIsNotDroppable() throws {
        let long = String(repeating: "寿", count: 85)
        let shortened = DropName.derived(long, suffix: ".receipt.json").string!
        let literal = String(shortened.dropLast(".receipt.json".count))
        let name = try #require(FileName(literal))
        #expect(DropName.derived(DropName.escaped(name), suffix: ".receipt.json").string != shortened)
    }
}
