@testable import FieldsyncConfig
import FieldsyncTesting
import Foundation
import Testing

/// Times shown to people are in the office's zone: `timezone` in fieldsync.toml, or the
/// newest scheme's.
@Suite("The office's time zone")
struct OfficeTimeZoneTests {
    static func config(_ line: String) -> String {
        TestSite.config().replacingOccurrences(of: "office = \"test-office\"", with: "office = \"test-office\"\n" + line)
    }

    @Test("timezone names the zone; without it, none (the newest scheme's is used)")
    func zone() throws {
        let berlin = try Config.parse(file: "/x/fieldsync.toml", text: Self.config(#"timezone = "Europe/Berlin""#))
        #expect(berlin.timeZone?.identifier == "Europe/Berlin")
        let none = try Config.parse(file: "/x/fieldsync.toml", text: Self.config(""))
        #expect(none.timeZone == nil)
    }

    @Test("A missing top-level key is an error with a line too")
    func missingTopLevelKey() {
        let error = #expect(throws: ConfigError.self) {
            try Config.parse(file: "/x/fieldsync.toml", text: TestSite.config().replacingOccurrences(of: "office = \"test-office\"", with: ""))
        }
        #expect(error?.description.hasPrefix("/x/fieldsync.toml:1: office: is required") == true, "\(error?.description ?? "")")
    }

    @Test("An unknown zone is an error naming the key and its line")
    func unknown() {
        let error = #expect(throws: ConfigError.self) {
            try Config.parse(file: "/x/fieldsync.toml", text: Self.config(#"timezone = "Mars/Olympus""#))
        }
        #expect(error?.description.contains("unknown time zone") == true, "\(error?.description ?? "")")
        #expect(error?.keyPath == "timezone")
    }

    @Test("The office's zone: the config's, else the newest scheme's")
    func officeZone() throws {
        let site = try TestSite()
        #expect(site.setup.officeTimeZone.identifier == "Asia/Shanghai", "the scheme's")
        try Self.config(#"timezone = "Europe/Berlin""#).write(toFile: site.configPath, atomically: true, encoding: .utf8)
        #expect(try Setup.load(config: site.configPath).officeTimeZone.identifier == "Europe/Berlin")
    }
}
