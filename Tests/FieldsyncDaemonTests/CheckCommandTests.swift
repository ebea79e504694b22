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

    @Test("A source path that is a file is reported and the config is not ok")
    func sourceIsAFile() throws {
        let site = try TestSite()
        let path = site.dir("fuan")
        try FileManager.default.removeItem(atPath: path)
        try writeFile(path, Array("not a directory".utf8))
        let run = try runFieldsync(["check", "--config", site.configPath])
        #expect(run.status == 2)
        #expect(!run.output.contains("config ok"), "\(run.output)")
        #expect(run.errors.contains("source fuan") && run.errors.contains("is not a directory"), "\(run.errors)")
    }

    @Test("A source directory not made yet is said, not hidden: the daemon makes it as it starts")
    func sourceNotYetMade() throws {
        let site = try TestSite()
        try FileManager.default.removeItem(atPath: site.dir("fuan"))
        let run = try runFieldsync(["check", "--config", site.configPath])
        #expect(run.status == 0, "\(run.errors)")
        #expect(run.output.contains("source fuan: \(site.dir("fuan")) does not exist yet"), "\(run.output)")
    }

    @Test("Points that do not add up to 100 are warned about")
    func pointsNot100() throws {
        let site = try TestSite(scheme: TestSite.scheme.replacingOccurrences(of: "points = 40", with: "points = 30"))
        let run = try runFieldsync(["check", "--config", site.configPath])
        #expect(run.status == 0, "\(run.errors)")
        #expect(run.output.contains("the points add up to 90, not 100"), "\(run.output)")
    }
}
