@testable import FieldsyncConfig
import FieldsyncModel
import FieldsyncTesting
import Foundation
import Testing

/// The scheme loader on its own: the plan's scheme as the demo ships it, and each kind
/// of mistake a clerk or an operator makes in a scheme file, named by key and line.
@Suite("Scheme files")
struct SchemeLoaderTests {
    @Test("The Ningde scheme loads: eight work goals as 14 indicators, 100 points, eleven units")
    func ningde() throws {
        let scheme = try Scheme.load(repositoryRoot() + "/fixtures/ningde/scheme-2026.toml")
        #expect(scheme.period == "2026")
        #expect(scheme.units.count == 11)
        #expect(scheme.indicators.count == 14)
        #expect(scheme.indicators.reduce(Exact.zero) { $0 + $1.points } == Exact(100))
        #expect(scheme.weights.indicators == Exact(decimal: "0.70"))
        #expect(scheme.timeZone.identifier == "Asia/Shanghai")
        #expect(scheme.sha256.count == 64)
        let siren = try #require(scheme.indicators.first { $0.code == "siren.fixed" })
        #expect(siren.rule == .ratio && siren.target(for: "shouning") == Exact(2))
    }

    /// A mistake and what the error must name.
    struct Mistake: Sendable, CustomTestStringConvertible {
        var label: String
        var replace: String
        var with: String
        var key: String
        var says: String
        var testDescription: String { label }
    }

    static let mistakes: [Mistake] = [
        Mistake(label: "weights that do not sum to 1", replace: "public = 0.30", with: "public = 0.40",
                key: "weights.public", says: "must sum to 1"),
        Mistake(label: "an unknown rule", replace: "rule = \"boolean\"", with: "rule = \"percentage\"",
                key: "rule", says: "must be ratio, threshold, boolean, deduct or manual"),
        Mistake(label: "a ratio without a target", replace: "target = 1\ntargets = { shouning = 2 }", with: "",
                key: "target", says: "is required for rule ratio"),
        Mistake(label: "an unknown time zone", replace: "timezone = \"Asia/Shanghai\"", with: "timezone = \"Mars/Olympus\"",
                key: "timezone", says: "unknown time zone"),
        Mistake(label: "an overall aggregate that does not exist", replace: "aggregate = \"min\"", with: "aggregate = \"median\"",
                key: "aggregate", says: "must be sum, mean, min, max, share_met or unit"),
        Mistake(label: "an indicator listed twice", replace: "code = \"duty.24h\"", with: "code = \"siren.fixed\"",
                key: "code", says: "listed twice"),
        Mistake(label: "a target for a unit the scheme does not have", replace: "targets = { shouning = 2 }",
                with: "targets = { shouning = 2, atlantis = 1 }", key: "targets.atlantis", says: "unknown unit"),
    ]

    @Test("A mistake is an error naming the file, the key and what is wrong", arguments: mistakes)
    func mistake(_ m: Mistake) throws {
        #expect(TestSite.scheme.contains(m.replace), "the test's scheme changed: \(m.replace)")
        let text = TestSite.scheme.replacingOccurrences(of: m.replace, with: m.with)
        let error = #expect(throws: ConfigError.self) {
            try Scheme.parse(file: "scheme-2026.toml", text: text, sha256: String(repeating: "0", count: 64))
        }
        let said = error?.description ?? ""
        #expect(said.hasPrefix("scheme-2026.toml"), "\(said)")
        #expect(error?.keyPath?.hasSuffix(m.key) == true, "\(said)")
        #expect(said.contains(m.says), "\(said)")
    }

    @Test("An unknown key is an error with its line, not ignored")
    func unknownKey() throws {
        let text = TestSite.scheme.replacingOccurrences(of: "name = \"测试方案\"", with: "name = \"测试方案\"\nclose_at = \"2027-02-01\"")
        let error = #expect(throws: ConfigError.self) {
            try Scheme.parse(file: "s.toml", text: text, sha256: String(repeating: "0", count: 64))
        }
        #expect(error?.keyPath == "close_at", "\(String(describing: error))")
        #expect(error?.line == 3, "\(String(describing: error))")
    }
}

/// What `make fuzz` found: table headers that made TOMLKit's parser assert and abort
/// the process. Each is now an error with its line; arrays and strings that merely
/// look like them are not.
@Suite("TOML the parser would crash on")
struct TOMLHeaderGuardTests {
    @Test("A header that starts with no key is an error naming its line",
          arguments: ["[#]", "[[#]]", "[ #]", "[.a]", "[\t=x]"])
    func refused(header: String) {
        let text = TestSite.scheme + "\n" + header + "\n"
        let error = #expect(throws: ConfigError.self) {
            try Scheme.parse(file: "s.toml", text: text, sha256: String(repeating: "0", count: 64))
        }
        #expect(error?.line == text.split(separator: "\n", omittingEmptySubsequences: false).count - 1, "\(String(describing: error))")
        #expect(error?.message.contains("table header must start with a key") == true)
    }

    /// Found by the fuzzer: toml++ skips a BOM before the first header, and the guard
    /// did not, so `BOM[[  \u{FFFD}` reached the assertion.
    @Test("A header after a BOM or a non-ASCII space is checked too",
          arguments: ["\u{FEFF}[[  \u{FFFD}\\\\\n", "\u{FEFF}[#]\n", "\u{3000}[#]\n", "x = 1\n\u{00A0}[.a]\n"])
    func afterBOM(text: String) {
        #expect(TOMLHeaderGuard.badHeaderLine(in: text) == text.split(separator: "\n").count)
    }

    @Test("Arrays of tables and strings holding brackets are not headers",
          arguments: ["x = [\n  [1],\n  [ {b = 1} ]\n]", "x = \"\"\"\n[#]\n\"\"\"", "x = '[#]'", "# [#]"])
    func notHeaders(text: String) {
        #expect(TOMLHeaderGuard.badHeaderLine(in: text) == nil)
    }
}

/// An indicator of one unit scored for the office against that unit's own target.
@Suite("Scheme files: the overall's target")
struct OverallTargetTests {
    static let scheme = """
        name = "测试方案"
        period = "2026"
        timezone = "Asia/Shanghai"

        [weights]
        indicators = 0.70
        public = 0.30

        [grades]
        excellent = 90
        good = 76
        average = 60

        [[unit]]
        code = "city"
        name = "市本级"

        [[unit]]
        code = "fuan"
        name = "福安市"

        [[indicator]]
        code = "project.0106"
        name = "0106工程(%)"
        aspect = "business"
        points = 100
        rule = "ratio"
        targets = { city = 80 }
        applies_to = ["city"]
        OVERALL
        """

    @Test("Without a default target, an overall of one unit is scored against that unit's target",
          arguments: ["", #"overall = { aggregate = "unit" }"#, #"overall = { aggregate = "unit", unit = "city" }"#])
    func oneUnit(overall: String) throws {
        let scheme = try Scheme.parse(file: "s.toml", text: Self.scheme.replacingOccurrences(of: "OVERALL", with: overall),
                                      sha256: String(repeating: "0", count: 64))
        #expect(scheme.indicators[0].overall.target == Exact(80))
    }
}
