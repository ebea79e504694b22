@testable import FieldsyncConfig
@testable import FieldsyncDaemon
@testable import FieldsyncDelivery
@testable import FieldsyncIntake
@testable import FieldsyncModel
@testable import FieldsyncProtocol
@testable import FieldsyncRecords
@testable import FieldsyncScoring
@testable import FieldsyncStore
import FieldsyncSystem
import Foundation
import Glibc
import GRDB
import Logging
import XCTest

/// A throw-away fieldsync installation in a temporary directory: a small scheme, a
/// config with a reporter for `shouning`, one for `fuan`, inspectors and survey, a real
/// SQLite store, and helpers to drop files the way offices do (write, then rename).
final class TestSite {
    let root: String
    let setup: Setup
    let store: Store
    let service: Service
    var intake: Intake { service.intake }

    static let scheme = """
        period = "2026"
        name = "测试方案"
        timezone = "Asia/Shanghai"

        [weights]
        indicators = 0.70
        public = 0.30

        [verification]
        tolerance = 0
        discrepancy_deduction = 1

        [[unit]]
        code = "shouning"
        name = "寿宁县"
        [[unit]]
        code = "fuan"
        name = "福安市"

        [[indicator]]
        code = "siren.fixed"
        name = "固定式防空警报器安装(台)"
        aspect = "business"
        points = 60
        rule = "ratio"
        target = 1
        targets = { shouning = 2 }
        overall = { aggregate = "share_met", target = 1 }

        [[indicator]]
        code = "duty.24h"
        name = "24小时值班"
        aspect = "capacity"
        points = 40
        rule = "boolean"
        overall = { aggregate = "min", target = 1 }
        """

    /// The config text: office `test-office`, reporters for shouning and fuan,
    /// inspectors and survey under `spool/`, plus `extraSources` and `extra` verbatim.
    static func config(extra: String = "", extraSources: String = "") -> String {
        """
        office = "test-office"
        state_dir = "state"
        schemes = ["scheme.toml"]

        [[source]]
        name = "shouning"
        path = "spool/shouning"
        role = "reporter"
        unit = "shouning"

        [[source]]
        name = "fuan"
        path = "spool/fuan"
        role = "reporter"
        unit = "fuan"

        [[source]]
        name = "inspectors"
        path = "spool/inspectors"
        role = "inspector"

        [[source]]
        name = "survey"
        path = "spool/survey"
        role = "survey"

        \(extraSources)
        \(extra)
        """
    }

    /// - Parameters:
    ///   - scheme: the scheme's text (``scheme`` unless given).
    ///   - clock: when files arrive: 2026-11-30 12:00 in Shanghai unless given, so
    ///     that no test depends on the day it runs.
    init(push: String? = nil, extraConfig: String = "", scheme: String = TestSite.scheme,
         clock: @escaping @Sendable () -> Timestamp = TestSite.fixedClock, file: StaticString = #filePath) throws {
        root = NSTemporaryDirectory() + "fieldsync-test-" + UUID().uuidString.prefix(8).lowercased()
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try scheme.write(toFile: root + "/scheme.toml", atomically: false, encoding: .utf8)
        var config = TestSite.config()
        if let push {
            config += """

                [push]
                url = "\(push)"
                debounce = "0s"
                timeout = "5s"

                """
        }
        config += extraConfig
        try config.write(toFile: root + "/fieldsync.toml", atomically: false, encoding: .utf8)
        setup = try Setup.load(config: root + "/fieldsync.toml")
        store = try Service.openStore(directory: setup.config.stateDirectory)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        service = Service(setup: setup, store: store, logger: logger, clock: clock)
        try service.intake.recover()
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    /// 2026-11-30T12:00:00+08:00, the arrival time of every file unless a test says otherwise.
    static let fixedClock: @Sendable () -> Timestamp = { Timestamp.parse("2026-11-30T12:00:00+08:00", zone: .gmt)! }

    var configPath: String { root + "/fieldsync.toml" }

    func source(_ name: String) -> Source { setup.config.source(named: name)! }

    func dir(_ source: String) -> String { self.source(source).path }

    /// Writes a file into a drop directory by write-then-rename, dated an hour ago (as
    /// if dropped before `ingest` ran: its quiet period is long over).
    @discardableResult
    func drop(_ source: String, _ name: String, _ text: String) throws -> String {
        try drop(source, name, Array(text.utf8))
    }

    @discardableResult
    func drop(_ source: String, _ name: String, _ bytes: [UInt8]) throws -> String {
        let tmp = dir(source) + "/." + name + ".tmp"
        _ = FileManager.default.createFile(atPath: tmp, contents: Data(bytes))
        var hourAgo = timeval(tv_sec: time(nil) - 3600, tv_usec: 0)
        XCTAssertEqual(withUnsafePointer(to: &hourAgo) { utimes(tmp, [$0.pointee, $0.pointee]) }, 0)
        let path = dir(source) + "/" + name
        XCTAssertEqual(rename(tmp, path), 0)
        return path
    }

    /// Drops and processes one file.
    func ingest(_ source: String, _ name: String, _ text: String) throws -> FileOutcome {
        try drop(source, name, text)
        return intake.process(source: self.source(source), name: FileName(name)!)
    }

    func ingest(_ source: String, _ name: String, _ bytes: [UInt8]) throws -> FileOutcome {
        try drop(source, name, bytes)
        return intake.process(source: self.source(source), name: FileName(name)!)
    }

    func values() throws -> CurrentValues {
        try store.currentValues(period: "2026", scheme: setup.schemes["2026"]!)
    }

    func scoreboard() throws -> Scoreboard {
        try Outbox.snapshot(store: store, office: setup.config.office, scheme: setup.schemes["2026"]!).scoreboard
    }

    func count(_ sql: String) throws -> Int {
        try store.writer.read { try Int.fetchOne($0, sql: sql) ?? 0 }
    }

    func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    func read(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }
}

extension FileOutcome {
    var receipt: Receipt? { if case .accepted(let r) = self { r } else { nil } }
    var problems: [Problem] { if case .rejected(let p) = self { p } else { [] } }
    var isSkipped: Bool { if case .skipped = self { true } else { false } }
}

/// The repository root, found from this file's path.
func repositoryRoot(file: StaticString = #filePath) -> String {
    var url = URL(fileURLWithPath: "\(file)")
    while url.path != "/" {
        url.deleteLastPathComponent()
        if FileManager.default.fileExists(atPath: url.path + "/Package.swift") { return url.path }
    }
    fatalError("no Package.swift above \(file)")
}

/// The directory with the built executables (`fieldsync`, `fieldsync-central`).
func productsDirectory() -> String {
    for candidate in [Bundle.main.bundleURL.deletingLastPathComponent().path,
                      URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path,
                      Bundle.main.bundleURL.path] {
        if FileManager.default.isExecutableFile(atPath: candidate + "/fieldsync") { return candidate }
    }
    fatalError("cannot find the built fieldsync executable next to the tests")
}

/// Encodes text as GB18030 with glibc's iconv (what Excel on Chinese Windows writes).
func gb18030(_ text: String) -> [UInt8] {
    let cd = iconv_open("GB18030", "UTF-8")
    precondition(Int(bitPattern: cd) != -1, "iconv cannot encode GB18030 here")
    defer { iconv_close(cd) }
    var input = Array(text.utf8)
    var output = [UInt8](repeating: 0, count: input.count * 2 + 16)
    let produced = input.withUnsafeMutableBufferPointer { inBuf in
        output.withUnsafeMutableBufferPointer { outBuf -> Int in
            var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuf.baseAddress)?.assumingMemoryBound(to: CChar.self)
            var inLeft = inBuf.count
            var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuf.baseAddress)?.assumingMemoryBound(to: CChar.self)
            var outLeft = outBuf.count
            precondition(iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft) != -1, "iconv failed")
            return outBuf.count - outLeft
        }
    }
    return Array(output.prefix(produced))
}
