import FieldsyncConfig
import FieldsyncDaemon
import FieldsyncDelivery
import FieldsyncIntake
import FieldsyncModel
import FieldsyncProtocol
import FieldsyncScoring
import FieldsyncStore
import FieldsyncSystem
import Foundation
import Glibc
import GRDB
import Logging

/// A throw-away fieldsync installation in a temporary directory — the one test site of
/// every test: a small scheme, a config with a reporter for `shouning`, one for `fuan`,
/// inspectors and survey, their drop directories, and helpers to drop files the way
/// offices do (written elsewhere, then renamed in).
///
/// Nothing is opened until a test asks: ``instance`` (and ``store``, ``intake``) open
/// the store in this process on first use, for tests of intake, the store and
/// delivery; a test of the daemon leaves them alone, so that the store belongs to the
/// child process, and reads it through ``count(_:)``.
package final class TestSite {
    package let root: String
    package let configPath: String
    package var stateDirectory: String { root + "/state" }
    /// Where files are written before they are renamed into a drop directory.
    package var outside: String { root + "/outside" }
    private let clock: @Sendable () -> Timestamp
    private var counter = 0

    /// The four sources of ``config(extra:extraSources:)``.
    package static let sources = ["shouning", "fuan", "inspectors", "survey"]

    package static let scheme = """
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
    package static func config(extra: String = "", extraSources: String = "") -> String {
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


    /// 2026-11-30T12:00:00+08:00, the arrival time of every file unless a test says otherwise.
    package static let fixedClock: @Sendable () -> Timestamp = { Timestamp.parse("2026-11-30T12:00:00+08:00", zone: .gmt)! }

    /// - Parameters:
    ///   - push: a `[push]` URL (debounce 0 s, timeout `pushTimeout`).
    ///   - scheme: the scheme's text (``scheme`` unless given).
    ///   - clock: when files arrive, for intake in this process: ``fixedClock`` unless
    ///     given, so that no test depends on the day it runs.
    ///   - base: where the site lives: `/dev/shm` for tests that move thousands of
    ///     files (fsync is free there), the usual temporary directory otherwise.
    package init(push: String? = nil, pushTimeout: String = "5s", extraConfig: String = "", scheme: String = TestSite.scheme,
                 clock: @escaping @Sendable () -> Timestamp = TestSite.fixedClock,
                 base: String = NSTemporaryDirectory()) throws {
        root = (base.hasSuffix("/") ? base : base + "/") + "fieldsync-test-" + UUID().uuidString.prefix(8).lowercased()
        configPath = root + "/fieldsync.toml"
        self.clock = clock
        try FileManager.default.createDirectory(atPath: root + "/outside", withIntermediateDirectories: true)
        try scheme.write(toFile: root + "/scheme.toml", atomically: false, encoding: .utf8)
        var extra = extraConfig
        if let push {
            extra = """

                [push]
                url = "\(push)"
                debounce = "0s"
                timeout = "\(pushTimeout)"

                """ + extraConfig
        }
        try writeConfig(extra)
        for source in TestSite.sources {
            try FileManager.default.createDirectory(atPath: dir(source), withIntermediateDirectories: true)
        }
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    /// Replaces the config atomically (as an editor or config management would):
    /// written beside it, then renamed over it.
    package func writeConfig(_ extra: String = "", extraSources: String = "") throws {
        try TestSite.config(extra: extra, extraSources: extraSources)
            .write(toFile: configPath + ".new", atomically: false, encoding: .utf8)
        guard rename(configPath + ".new", configPath) == 0 else { throw SystemCallError("rename", subject: configPath) }
    }

    // MARK: In this process

    /// The config and schemes, loaded on first use.
    package lazy var setup: Setup = try! Setup.load(config: configPath)

    /// The store, its intake recovered, opened on first use in this process.
    package lazy var instance: Instance = {
        let store = try! Instance.openStore(directory: setup.config.stateDirectory)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let instance = Instance(setup: setup, store: store, logger: logger, clock: clock)
        try! instance.intake.recover()
        return instance
    }()

    package var store: Store { instance.store }
    package var intake: Intake { instance.intake }

    package func source(_ name: String) -> Source { setup.config.source(named: name)! }

    /// Drops and processes one file.
    package func ingest(_ source: String, _ name: String, _ text: String) throws -> FileOutcome {
        try ingest(source, name, Array(text.utf8))
    }

    package func ingest(_ source: String, _ name: String, _ bytes: [UInt8]) throws -> FileOutcome {
        try drop(source, name, bytes)
        return intake.process(source: self.source(source), name: FileName(name)!)
    }

    package func values() throws -> CurrentValues {
        try store.currentValues(period: "2026", scheme: setup.schemes["2026"]!)
    }

    package func scoreboard() throws -> Scoreboard {
        try Outbox.snapshot(store: store, office: setup.config.office, scheme: setup.schemes["2026"]!).scoreboard
    }

    // MARK: Files

    package func dir(_ source: String) -> String { root + "/spool/" + source }
    package func receiptPath(_ source: String, _ name: String) -> String { dir(source) + "/receipts/" + name + ".receipt.json" }
    package func rejectedPath(_ source: String, _ name: String) -> String { dir(source) + "/rejected/" + name }
    package func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }
    package func read(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }

    /// Drops a file the way offices do: written completely elsewhere on the same file
    /// system, dated an hour ago (dropped before `ingest` ran: its quiet period is long
    /// over), then renamed into the drop directory in one step.
    @discardableResult
    package func drop(_ source: String, _ name: String, _ text: String) throws -> String {
        try drop(source, name, Array(text.utf8))
    }

    @discardableResult
    package func drop(_ source: String, _ name: String, _ bytes: [UInt8]) throws -> String {
        counter += 1
        let tmp = outside + "/\(counter)"
        try writeFile(tmp, bytes)
        var hourAgo = timeval(tv_sec: time(nil) - 3600, tv_usec: 0)
        guard withUnsafePointer(to: &hourAgo, { utimes(tmp, [$0.pointee, $0.pointee]) }) == 0 else {
            throw SystemCallError("utimes", subject: tmp)
        }
        let path = dir(source) + "/" + name
        guard rename(tmp, path) == 0 else { throw SystemCallError("rename", subject: path) }
        return path
    }

    /// The receipt as JSON, or nil when there is none (yet).
    package func receipt(_ source: String, _ name: String) -> [String: Any]? {
        guard let data = FileManager.default.contents(atPath: receiptPath(source, name)) else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }

    package func receiptRecords(_ source: String, _ name: String) -> Int? {
        (receipt(source, name)?["records"] as? NSNumber)?.intValue
    }

    package func names(in path: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
    }

    /// Receipts present for `source`.
    package func receiptCount(_ source: String) -> Int {
        names(in: dir(source) + "/receipts").filter { $0.hasSuffix(".receipt.json") }.count
    }

    /// One integer from the store: through this process's store when it is open here,
    /// else through a read-only connection of its own (the daemon's store).
    package func count(_ sql: String) throws -> Int {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        let db = try DatabaseQueue(path: stateDirectory + "/fieldsync.sqlite", configuration: configuration)
        defer { try? db.close() }
        return try db.read { try Int.fetchOne($0, sql: sql) ?? 0 }
    }

    /// How many files the ledger counts with `outcome` (and, when given, finished or
    /// not, from `source`).
    package func files(_ outcome: LedgerOutcome, finished: Bool? = nil, source: String? = nil) throws -> Int {
        var sql = "SELECT count(*) FROM file WHERE outcome = '\(outcome.rawValue)'"
        if let finished { sql += " AND finished = \(finished ? 1 : 0)" }
        if let source { sql += " AND source = '\(source)'" }
        return try count(sql)
    }
}
