@testable import FieldsyncConfig
import FieldsyncIntake
import FieldsyncModel
import FieldsyncProtocol
@testable import FieldsyncScoring
import FieldsyncTesting
import Foundation
import Testing

/// Absurd numbers and invisible characters are refused at the door, each with its
/// field and reason, so that nothing accepted can trap, stall or vanish later.
@Suite("The table of limits, at intake")
struct LimitsTests {
    /// A record that must be refused, the field to blame and a word of the reason.
    struct Absurd: Sendable, CustomTestStringConvertible {
        var label: String
        var source: String
        var json: String
        /// `nil` for a problem of the whole line (a syntax error).
        var field: String?
        var says: String
        var file = "absurd.json"
        var testDescription: String { label }
    }

    /// Two CSV exports pasted one after the other: the second one's BOM lands at the
    /// start of a line, inside its first record's id.
    static let pastedCSV = "\u{FEFF}id,kind,period,unit,indicator,value,observed_at\n"
        + "sn-1,report,2026,shouning,siren.fixed,1,2026-11-20\n"
        + "\u{FEFF}sn-2,report,2026,shouning,siren.fixed,2,2026-11-21\n"

    static func report(_ members: String) -> String {
        #"{"id": "sn-1", "kind": "report", "period": "2026", "unit": "shouning", "indicator": "siren.fixed", "observed_at": "2026-11-20", "# + members + "}"
    }

    static let million = "1" + String(repeating: "0", count: 1_000_000)

    static let cases: [Absurd] = [
        Absurd(label: "a value of a million digits", source: "shouning", json: report(#""value": \#(million)"#),
               field: "value", says: "out of range"),
        Absurd(label: "a value of 61 significant digits", source: "shouning",
               json: report(#""value": "1.\#(String(repeating: "3", count: 60))""#), field: "value", says: "out of range"),
        Absurd(label: "a value with 7 decimals", source: "shouning", json: report(#""value": 1.0000001"#),
               field: "value", says: "6 after it"),
        Absurd(label: "a deduction of 10^200", source: "inspectors",
               json: #"{"id": "f-1", "kind": "finding", "period": "2026", "unit": "shouning", "deduction": 1e200, "observed_at": "2026-11-20"}"#,
               field: "deduction", says: "out of range"),
        Absurd(label: "2^63-1 respondents", source: "survey",
               json: #"{"id": "s-1", "kind": "survey", "period": "2026", "unit": "shouning", "score": 90, "respondents": 9223372036854775807, "observed_at": "2026-11-20"}"#,
               field: "respondents", says: "from 1 to 10000000"),
        Absurd(label: "a revision beyond 2^31-1", source: "shouning", json: report(#""value": 1, "revision": 2147483648"#),
               field: "revision", says: "from 1 to 2147483647"),
        Absurd(label: "a BOM inside an id", source: "shouning",
               json: report(#""value": 1"#).replacingOccurrences(of: "\"sn-1\"", with: "\"sn-\u{FEFF}1\""),
               field: "id", says: "U+FEFF"),
        Absurd(label: "a zero-width space inside an id", source: "shouning",
               json: report(#""value": 1"#).replacingOccurrences(of: "\"sn-1\"", with: "\"sn-\u{200B}1\""),
               field: "id", says: "U+200B"),
        Absurd(label: "a Hangul filler inside an id", source: "shouning",
               json: report(#""value": 1"#).replacingOccurrences(of: "\"sn-1\"", with: "\"sn-1\u{3164}\""),
               field: "id", says: "U+3164"),
        Absurd(label: "a variation selector inside an id", source: "shouning",
               json: report(#""value": 1"#).replacingOccurrences(of: "\"sn-1\"", with: "\"sn-1\u{FE0F}\""),
               field: "id", says: "U+FE0F"),
        Absurd(label: "a combining grapheme joiner inside an id", source: "shouning",
               json: report(#""value": 1"#).replacingOccurrences(of: "\"sn-1\"", with: "\"sn-\u{034F}1\""),
               field: "id", says: "U+34F"),
        Absurd(label: "a no-break space inside an id", source: "shouning",
               json: report(#""value": 1"#).replacingOccurrences(of: "\"sn-1\"", with: "\"sn\u{00A0}1\""),
               field: "id", says: "U+A0"),
        Absurd(label: "an accent written as a combining mark", source: "shouning",
               json: report(#""value": 1"#).replacingOccurrences(of: "\"sn-1\"", with: "\"cafe\u{0301}\""),
               field: "id", says: "U+301"),
        Absurd(label: "a blank braille pattern inside an id", source: "shouning",
               json: report(#""value": 1"#).replacingOccurrences(of: "\"sn-1\"", with: "\"sn-1\u{2800}\""),
               field: "id", says: "U+2800"),
        Absurd(label: "a BOM in the middle of a CSV", source: "shouning", json: pastedCSV,
               field: "id", says: "U+FEFF", file: "pasted.csv"),
        Absurd(label: "a period central would refuse", source: "shouning",
               json: report(#""value": 1"#).replacingOccurrences(of: "\"2026\"", with: "\"20 26\""),
               field: "period", says: "no scheme for this period"),
        Absurd(label: "a key given twice", source: "shouning", json: report(#""value": 1, "value": 99"#),
               field: nil, says: "\"value\" appears twice"),
        Absurd(label: "an observation in the year 9999, to stay the latest for ever", source: "shouning",
               json: report(#""value": 1"#).replacingOccurrences(of: "2026-11-20", with: "9999-12-31"),
               field: "observed_at", says: "must be in the years 1900–2199"),
        Absurd(label: "an observation before 1900", source: "shouning",
               json: report(#""value": 1"#).replacingOccurrences(of: "2026-11-20", with: "0000-01-01"),
               field: "observed_at", says: "must be"),
    ]

    @Test("Refused with its field and reason, nothing stored", arguments: cases)
    func refused(_ c: Absurd) throws {
        let site = try TestSite()
        let problems = try site.ingest(c.source, c.file, c.json).problems
        let problem = try #require(problems.first { $0.field == c.field }, "\(problems)")
        #expect(problem.en.contains(c.says), "\(problem)")
        #expect(!problem.zh.isEmpty)
        #expect(try site.count("SELECT count(*) FROM revision") == 0)
    }

    @Test("A revision sent again is the same only byte for byte (é is not e + U+0301)")
    func sameRevisionBytes() throws {
        let site = try TestSite()
        let first = Self.report(#""value": 1, "note": "caf\#u{00E9}""#)
        #expect(try site.ingest("shouning", "a.json", first).receipt?.counts.imported == 1)
        let again = Self.report(#""value": 1, "note": "cafe\#u{0301}""#)
        let problems = try site.ingest("shouning", "b.json", again).problems
        #expect(problems.contains { $0.field == "revision" && $0.en.contains("other content") }, "\(problems)")
    }

    @Test("Scoring what a store from before the limits may hold does not trap")
    func oldStoreRespondents() {
        let surveys = [SurveyResult(id: "a", score: Exact(90), respondents: Int.max),
                       SurveyResult(id: "b", score: Exact(80), respondents: Int.max)]
        let (score, respondents) = Scorer.publicMean(PublicTotal(surveys))
        #expect(score == Exact(85))
        #expect(respondents == Int.max)
    }
}

/// Codes and URLs in the operator's files: what would be refused later is refused
/// when the file is loaded.
@Suite("The table of limits, in configuration")
struct ConfigLimitsTests {
    @Test("A scheme's codes are safe characters", arguments: [
        ("period = \"2026\"", "period = \"20 26\"", "period"),
        ("code = \"shouning\"", "code = \"shou ning\"", "code"),
        ("code = \"siren.fixed\"", "code = \"siren/fixed\"", "code"),
    ])
    func schemeCodes(replace: String, with: String, key: String) throws {
        let text = TestSite.scheme.replacingOccurrences(of: replace, with: with)
        let error = #expect(throws: ConfigError.self) {
            try Scheme.parse(file: "s.toml", text: text, sha256: String(repeating: "0", count: 64))
        }
        #expect(error?.keyPath?.hasSuffix(key) == true && error?.message.contains("letters, digits") == true, "\(String(describing: error))")
    }

    @Test("A scheme's numbers are within the limits", arguments: [
        ("points = 60", "points = \"1e200\""),
        ("points = 60", "points = \"0.00000001\""),
        ("targets = { shouning = 2 }", "targets = { shouning = \"1e40\" }"),
    ])
    func schemeNumbers(replace: String, with: String) throws {
        let text = TestSite.scheme.replacingOccurrences(of: replace, with: with)
        let error = #expect(throws: ConfigError.self) {
            try Scheme.parse(file: "s.toml", text: text, sha256: String(repeating: "0", count: 64))
        }
        #expect(error?.message.contains("at most 12 digits") == true, "\(String(describing: error))")
    }

    @Test("A duration is at most a year", arguments: ["poll_interval = 9223372036854775807", "poll_interval = \"10000000000s\""])
    func longDuration(setting: String) throws {
        let site = try TestSite(extraConfig: "\n[intake]\n\(setting)\n")
        let error = #expect(throws: ConfigError.self) { try Setup.load(config: site.configPath) }
        #expect(error?.message.contains("at most 366 days") == true, "\(String(describing: error))")
    }

    /// A config with `[push]` to `url`, a token file, and `extra` in the table.
    func config(url: String, extra: String = "") throws -> String {
        let site = try TestSite(extraConfig: "\n[push]\nurl = \"\(url)\"\ntoken_file = \"token\"\n\(extra)")
        try writeFile(site.root + "/token", Array("a-token-0123456789\n".utf8))
        do {
            _ = try Setup.load(config: site.configPath)
            return "ok"
        } catch {
            return "\(error)"
        }
    }

    @Test("A token is not sent in clear text to another host", arguments: [
        "http://central.example.gov.cn/api/fieldsync/v1/scores",
        "http://10.1.2.3:8080/x",
        "http://127.0.0.1@central.example/x",
        "http://central.example?@127.0.0.1/api/fieldsync/v1/scores",
        "http://central.example#@localhost",
        "http://127.0.0.1.central.example/x",
        "http://localhost.central.example/x",
    ])
    func clearTextToken(url: String) throws {
        #expect(try config(url: url).contains("clear text"))
    }

    @Test("A token may go to loopback, over https, or where the config says so", arguments: [
        ("https://central.example.gov.cn/api/fieldsync/v1/scores", ""),
        ("http://127.0.0.1:8787/api/fieldsync/v1/scores", ""),
        ("http://localhost/x", ""),
        ("http://[::1]:8080/x", ""),
        ("http://central.example.gov.cn/x", "allow_insecure_http = true"),
    ])
    func tokenAllowed(url: String, extra: String) throws {
        #expect(try config(url: url, extra: extra) == "ok")
    }

    @Test("An office that is not a code is an error naming the key", arguments: ["宁德人防", "ningde rfb", "ningde/rfb"])
    func officeCode(office: String) throws {
        let site = try TestSite()
        let text = try String(contentsOfFile: site.configPath, encoding: .utf8)
            .replacingOccurrences(of: "office = \"test-office\"", with: "office = \"\(office)\"")
        try writeFile(site.configPath, Array(text.utf8))
        let error = #expect(throws: ConfigError.self) { try Setup.load(config: site.configPath) }
        #expect(error?.keyPath == "office", "\(String(describing: error))")
    }
}
