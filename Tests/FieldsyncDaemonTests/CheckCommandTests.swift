import FieldsyncTesting
import Foundation
import Testing

/// `fieldsync check` tells the truth: "config ok" only when every source directory is a
/// directory this user can use, and with each unit's applicable points.
@Suite("fieldsync check")
struct CheckCommandTests {
    @Test("A good config: ok, each unit's points per aspect, no warning")
    func good() throws {
        let site = try TestSite()
        let run = try runFieldsync(["check", "--config", site.configPath])
        #expect(run.status == 0, "\(run.errors)")
        #expect(run.output.contains("config ok"), "\(run.output)")
        #expect(run.output.contains("寿宁县 shouning: 部门业务工作实绩 60 + 行政能力建设 40 = 100"), "\(run.output)")
        #expect(!run.output.contains("warning"), "\(run.output)")
    }

    @Test("A source directory that is missing, or a file, is reported and the config is not ok",
          arguments: ["missing", "file"])
    func badSourceDirectory(kind: String) throws {
        let site = try TestSite()
        let path = site.dir("fuan")
        try FileManager.default.removeItem(atPath: path)
        if kind == "file" { try writeFile(path, Array("not a directory".utf8)) }
        let run = try runFieldsync(["check", "--config", site.configPath])
        #expect(run.status == 2)
        #expect(!run.output.contains("config ok"), "\(run.output)")
        #expect(run.errors.contains("source fuan"), "\(run.errors)")
        #expect(run.errors.contains(kind == "file" ? "is not a directory" : "does not exist"), "\(run.errors)")
    }

    @Test("Points that do not add up to 100 are warned about")
    func pointsNot100() throws {
        let site = try TestSite(scheme: TestSite.scheme.replacingOccurrences(of: "points = 40", with: "points = 30"))
        let run = try runFieldsync(["check", "--config", site.configPath])
        #expect(run.status == 0, "\(run.errors)")
        #expect(run.output.contains("the points add up to 90, not 100"), "\(run.output)")
    }
}
