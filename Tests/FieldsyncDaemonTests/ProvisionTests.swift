import FieldsyncTesting
import Foundation
import Testing

/// `fieldsync provision`: each office's sources as sysusers.d and tmpfiles.d lines —
/// the same as `systemd/` ships for the bundled config, and a source it cannot make
/// safe lines for is one sentence, exit 2, nothing printed.
@Suite("Provisioning the sources")
struct ProvisionTests {
    /// The bundled config, its scheme path pointed at the repository's copy.
    static func bundledConfig() throws -> String {
        let directory = NSTemporaryDirectory() + "fieldsync-provision-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let text = try String(contentsOfFile: repositoryRoot() + "/systemd/fieldsync.toml", encoding: .utf8)
            .replacingOccurrences(of: "/etc/fieldsync/scheme-2026.toml", with: repositoryRoot() + "/fixtures/ningde/scheme-2026.toml")
        try text.write(toFile: directory + "/fieldsync.toml", atomically: false, encoding: .utf8)
        return directory + "/fieldsync.toml"
    }

    @Test("For the bundled config it writes exactly what systemd/ ships", arguments: ["sysusers", "tmpfiles"])
    func bundled(kind: String) throws {
        let run = try runFieldsync(["provision", "--config", try Self.bundledConfig(), "--kind", kind])
        #expect(run.status == 0, "\(run.errors)")
        let shipped = try String(contentsOfFile: repositoryRoot() + "/systemd/fieldsync-sources.\(kind)", encoding: .utf8)
        #expect(run.output == shipped, "regenerate systemd/fieldsync-sources.\(kind) with fieldsync provision")
        #expect(run.output.contains(kind == "sysusers" ? "g fieldsync-shouning -" : "/var/spool/fieldsync/units/shouning/rejected"))
        #expect(run.output.contains("寿宁县 (shouning)"), "units named from the scheme")
        // -o: the same text to a file, its directory made (a minimal system has no /etc/sysusers.d).
        let file = NSTemporaryDirectory() + "fieldsync-provision-" + UUID().uuidString.prefix(8) + "/\(kind).d/fieldsync-sources.conf"
        let written = try runFieldsync(["provision", "--config", try Self.bundledConfig(), "--kind", kind, "-o", file])
        #expect(written.status == 0, "\(written.errors)")
        #expect(written.output.isEmpty)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == shipped)
        #expect((try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int) == 0o644)
    }

    @Test("A source whose name or path cannot be made safe lines is one sentence naming it, exit 2", arguments: [
        ("Shouning", "/var/spool/fieldsync/units/shouning", "no safe group name"),
        ("shou.ning", "/var/spool/fieldsync/units/shouning", "no safe group name"),
        ("9shouning", "/var/spool/fieldsync/units/shouning", "no safe group name"),
        ("shouning-county-office-x", "/var/spool/fieldsync/units/shouning", "longer than 31"),
        ("audit", "/var/spool/fieldsync/units/shou ning", "space, quote"),
        ("audit", "/var/spool/fieldsync/units/shou\\\\ning", "space, quote"),
        ("audit", "/etc", "system directory"),
        ("audit", "/usr/local/share/drops", "system directory"),
        ("audit", "/var/spool/fieldsync/units", "spool's root"),
        ("audit", "/var/spool/fieldsync/units/" + String(repeating: "x", count: 250), "too long"),
    ])
    func refused(name: String, path: String, says: String) throws {
        let site = try TestSite()
        try site.writeConfig(extraSources: """
            [[source]]
            name = "\(name)"
            path = "\(path)"
            role = "inspector"
            """)
        for kind in ["sysusers", "tmpfiles"] {
            let run = try runFieldsync(["provision", "--config", site.configPath, "--kind", kind])
            if kind == "sysusers", ["space, quote", "system directory", "spool's root", "too long"].contains(says) {
                #expect(run.status == 0, "the group is fine; only the path cannot go into tmpfiles.d")
                continue
            }
            #expect(run.status == 2)
            #expect(run.output.isEmpty, "nothing half-written")
            #expect(run.errors.contains("source \"\(name)\""), "\(run.errors)")
            #expect(run.errors.contains(says), "\(run.errors)")
            #expect(run.errors.split(separator: "\n").count == 1, "\(run.errors)")
        }
    }

    @Test("A unit's name that holds a line break cannot add a line: every control character is a space", arguments: ["sysusers", "tmpfiles"])
    func nameInjection(kind: String) throws {
        let hostile = "寿宁县\nm fieldsync disk\rz /etc/shadow 0644 root root - -\u{2028}x"
        let site = try TestSite(scheme: TestSite.scheme.replacingOccurrences(of: "name = \"寿宁县\"",
                                                                            with: "name = \"\(hostile.replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\r"))\""))
        let run = try runFieldsync(["provision", "--config", site.configPath, "--kind", kind])
        #expect(run.status == 0, "\(run.errors)")
        let lines = run.output.split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\u{2028}" })
        #expect(run.output.contains("寿宁县 m fieldsync disk z /etc/shadow"), "the name is there, on one comment line")
        #expect(!lines.contains { $0.hasPrefix("m fieldsync disk") || $0.hasPrefix("z /etc/shadow") })
    }

    @Test("A % in a path is doubled, as tmpfiles.d reads specifiers; a new directory under the spool gets its line")
    func percentAndParents() throws {
        let site = try TestSite()
        try site.writeConfig(extraSources: """
            [[source]]
            name = "audit"
            path = "/var/spool/fieldsync/extra/100%audit"
            role = "inspector"
            """)
        let run = try runFieldsync(["provision", "--config", site.configPath, "--kind", "tmpfiles"])
        #expect(run.status == 0, "\(run.errors)")
        #expect(run.output.contains("/var/spool/fieldsync/extra/100%%audit/receipts"))
        #expect(run.output.contains("d  /var/spool/fieldsync/extra "), "\(run.output)")
        #expect(run.output.contains("outside /var/spool/fieldsync"), "the test site's own sources are elsewhere")
    }
}
