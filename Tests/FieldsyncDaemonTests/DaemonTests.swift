import FieldsyncIntake
import FieldsyncTesting
import Foundation
import Glibc
import XCTest

/// `fieldsync run` (SPEC §8, §4.2), as a real child process observed only through its
/// effects: receipts, rejected/, the store (read-only), sd_notify datagrams, its log
/// and its exit status. Nothing here sleeps to synchronise: every wait is for an event,
/// under a deadline that fails the test; every child is killed in tearDown.
final class DaemonTests: XCTestCase {
    private var daemons: [DaemonProcess] = []

    override func tearDown() {
        let failed = (testRun?.totalFailureCount ?? 0) > 0
        for daemon in daemons {
            daemon.kill()
            if failed { print("--- daemon \(daemon.pid) stderr ---\n\(daemon.stderr)--- end ---") }
        }
        daemons = []
        super.tearDown()
    }

    /// Starts `fieldsync run` and waits until it has installed its signal handlers.
    private func start(_ site: TestSite, environment: [String: String?] = [:], waitUntilStarted: Bool = true) throws -> DaemonProcess {
        let daemon = try DaemonProcess(configPath: site.configPath, environment: environment)
        daemons.append(daemon)
        if waitUntilStarted { try daemon.waitUntilStarted() }
        return daemon
    }

    private func waitForReceipts(_ site: TestSite, _ source: String, _ names: [String],
                                 timeout: Duration = .seconds(20)) throws {
        let receipts = site.dir(source) + "/receipts"
        try waitUntil("receipts for \(names.count) files in \(source)", timeout: timeout, watching: [receipts]) {
            names.allSatisfy { site.exists(site.receiptPath(source, $0)) }
        }
    }

    private func expectTerminatedCleanly(_ daemon: DaemonProcess, within timeout: Duration = .seconds(10),
                                         file: StaticString = #filePath, line: UInt = #line) {
        daemon.signal(SIGTERM)
        guard let exit = daemon.waitForExit(timeout: timeout) else {
            return XCTFail("still running \(timeout) after SIGTERM", file: file, line: line)
        }
        XCTAssertEqual(exit.reason, .exit, "ended by a signal", file: file, line: line)
        XCTAssertEqual(exit.status, 0, file: file, line: line)
    }

    // MARK: 1. rename-drops

    func testRenamedDropsAreAccepted() throws {
        let site = try TestSite()
        let daemon = try start(site)
        var names: [(source: String, name: String, records: Int)] = []
        for i in 0 ..< 6 {
            let name = "reports-\(i).csv"
            try site.drop("shouning", name, Records.reportsCSV(unit: "shouning", prefix: "r\(i)", count: i + 1))
            names.append(("shouning", name, i + 1))
        }
        try site.drop("fuan", "one.json", Records.reportJSON(unit: "fuan", id: "fuan-1"))
        names.append(("fuan", "one.json", 1))
        try site.drop("inspectors", "checks.csv", Records.spotchecksCSV(prefix: "sc", count: 40))
        names.append(("inspectors", "checks.csv", 40))

        for (source, name, records) in names {
            try waitForReceipts(site, source, [name])
            XCTAssertEqual(site.receiptRecords(source, name), records, name)
            XCTAssertEqual(site.receipt(source, name)?["imported"] as? NSNumber, NSNumber(value: records), name)
            // The receipt is written before the original is removed (SPEC §4.2 order).
            try waitUntil("\(name) removed from the drop directory", watching: [site.dir(source)]) {
                !site.exists(site.dir(source) + "/" + name)
            }
        }
        let total = names.map(\.records).reduce(0, +)
        XCTAssertEqual(try site.count("SELECT count(*) FROM revision"), total)
        XCTAssertEqual(try site.files(.accepted, finished: true), names.count)
        XCTAssertEqual(try (site.files(.duplicate) + site.files(.rejected)), 0)
        XCTAssertTrue(daemon.isRunning)
        expectTerminatedCleanly(daemon)
    }

    // MARK: 2. a slow writer

    /// A file opened under its real name and written in three parts, with pauses, is
    /// read once, whole. During the pauses the daemon provably scans the directory: a
    /// FIFO made in place in `fuan` causes no inotify event, so its rejection proves a
    /// scan ran after it was made, and a scan lists `shouning` (with slow.csv) before
    /// `fuan`, so slow.csv was queued, and its turn came, before the FIFO's.
    func testSlowWriterIsReadOnceComplete() throws {
        let site = try TestSite(extraConfig: "[intake]\npoll_interval = \"200ms\"\n")
        let daemon = try start(site)
        let count = 3000
        let bytes = Array(Records.reportsCSV(unit: "shouning", prefix: "slow", count: count).utf8)
        let (third, twoThirds) = (bytes.count / 3, bytes.count * 2 / 3)  // mid-line
        let path = site.dir("shouning") + "/slow.csv"
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        XCTAssertGreaterThanOrEqual(fd, 0)
        var closed = false
        defer { if !closed { close(fd) } }

        func scanProvably(_ marker: String) throws {
            XCTAssertEqual(mkfifo(site.dir("fuan") + "/" + marker, 0o644), 0)
            try waitUntil("a scan that finds \(marker)", watching: [site.dir("fuan"), site.dir("fuan") + "/rejected"]) {
                site.exists(site.rejectedPath("fuan", marker + ".errors.txt")) && !site.exists(site.dir("fuan") + "/" + marker)
            }
        }
        func expectUntouched(_ when: String) throws {
            XCTAssertTrue(site.exists(path), "\(when): slow.csv was moved:\n\(daemon.stderr)")
            XCTAssertFalse(site.exists(site.rejectedPath("shouning", "slow.csv")), "\(when): a file still being written was rejected")
            XCTAssertNil(site.receipt("shouning", "slow.csv"), "\(when): a file still being written was accepted")
            XCTAssertEqual(try site.count("SELECT count(*) FROM file WHERE name = 'slow.csv'"), 0, when)
        }

        // First third; then a reload (which ends with a rescan) and another file taken.
        try writeAll(fd, Array(bytes[..<third]))
        let mark = daemon.logLength
        daemon.signal(SIGHUP)
        try daemon.waitForLog("configuration reloaded", after: mark)
        try scanProvably("marker-1.csv")
        try site.drop("shouning", "meanwhile.json", Records.reportJSON(unit: "shouning", id: "meanwhile"))
        try waitForReceipts(site, "shouning", ["meanwhile.json"])
        try expectUntouched("after the first third")

        // Second third; then a periodic rescan (every 200 ms).
        try writeAll(fd, Array(bytes[third ..< twoThirds]))
        try scanProvably("marker-2.csv")
        try expectUntouched("after the second third")

        try writeAll(fd, Array(bytes[twoThirds...]))
        close(fd)
        closed = true
        try waitUntil("slow.csv handled", watching: [site.dir("shouning") + "/receipts", site.dir("shouning") + "/rejected"]) {
            site.exists(site.receiptPath("shouning", "slow.csv")) || site.exists(site.rejectedPath("shouning", "slow.csv"))
        }
        XCTAssertEqual(site.receiptRecords("shouning", "slow.csv"), count)
        XCTAssertFalse(site.exists(site.rejectedPath("shouning", "slow.csv")))
        XCTAssertEqual(try site.count("SELECT count(*) FROM revision WHERE record_id LIKE 'slow-%'"), count)
        XCTAssertEqual(try site.count("SELECT count(*) FROM file WHERE name = 'slow.csv'"), 1, "read once")
        expectTerminatedCleanly(daemon)
    }

    // MARK: 3. inotify queue overflow

    /// More renames than the kernel's inotify queue holds, while the daemon cannot read
    /// it (SIGSTOP): the queue overflows, the daemon rescans, and every file is taken.
    func testInotifyOverflowLosesNothing() throws {
        let limitText = try String(contentsOfFile: "/proc/sys/fs/inotify/max_queued_events", encoding: .utf8)
        let limit = try XCTUnwrap(Int(limitText.trimmingCharacters(in: .whitespacesAndNewlines)))
        try XCTSkipIf(limit > 20000, "max_queued_events is \(limit): too many files to drop in a test")
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        let site = try TestSite(base: base)
        let daemon = try start(site)
        let files = limit + 200

        try daemon.stop()
        var stopped = true
        defer { if stopped { daemon.signal(SIGCONT) } }
        for i in 0 ..< files {
            try site.drop("shouning", "f\(i).json", Records.reportJSON(unit: "shouning", id: "o-\(i)"))
        }
        XCTAssertEqual(daemon.state, "T", "the daemon was stopped all along")
        let mark = daemon.logLength
        daemon.signal(SIGCONT)
        stopped = false

        try daemon.waitForLog("inotify queue overflowed", after: mark)
        try waitUntil("\(files) receipts", timeout: .seconds(300), watching: [site.dir("shouning") + "/receipts"],
                      recheck: .milliseconds(500)) {
            site.receiptCount("shouning") == files
        }
        XCTAssertEqual(try site.count("SELECT count(*) FROM revision"), files)
        XCTAssertEqual(try site.files(.accepted), files)
        XCTAssertEqual(site.names(in: site.dir("shouning")), ["receipts", "rejected"])
        expectTerminatedCleanly(daemon)
    }

    // MARK: 4. poll mode

    func testPollModeTakesADroppedFile() throws {
        let site = try TestSite(extraConfig: "[intake]\nwatch = \"poll\"\npoll_interval = \"200ms\"\n")
        let daemon = try start(site)
        XCTAssertTrue(daemon.stderr.contains("watch=poll"), daemon.stderr)
        try site.drop("fuan", "polled.json", Records.reportJSON(unit: "fuan", id: "polled"))
        try waitForReceipts(site, "fuan", ["polled.json"], timeout: .seconds(10))
        XCTAssertEqual(site.receiptRecords("fuan", "polled.json"), 1)
        XCTAssertEqual(try site.count("SELECT count(*) FROM revision WHERE record_id = 'polled'"), 1)
        // A file written in place (no rename) is found by the next scan too.
        try writeFile(site.dir("fuan") + "/in-place.json", Array(Records.reportJSON(unit: "fuan", id: "in-place").utf8))
        try waitForReceipts(site, "fuan", ["in-place.json"], timeout: .seconds(10))
        expectTerminatedCleanly(daemon)
    }

    // MARK: 5. hostile entries

    func testSymlinkFIFOAndOversizeAreMovedAsideAndTheDaemonCarriesOn() throws {
        let site = try TestSite(extraConfig: "[intake]\nmax_file_size = \"1KiB\"\npoll_interval = \"500ms\"\n")
        let daemon = try start(site)
        let secret = site.root + "/secret.json"
        let secretText = Records.reportJSON(unit: "shouning", id: "secret")
        try secretText.write(toFile: secret, atomically: false, encoding: .utf8)
        let dir = site.dir("shouning")

        // Each made outside and renamed in, as a drop arrives; and one FIFO made in place.
        XCTAssertEqual(symlink(secret, site.outside + "/link.json"), 0)
        XCTAssertEqual(rename(site.outside + "/link.json", dir + "/link.json"), 0)
        XCTAssertEqual(mkfifo(site.outside + "/pipe.json", 0o644), 0)
        XCTAssertEqual(rename(site.outside + "/pipe.json", dir + "/pipe.json"), 0)
        XCTAssertEqual(mkfifo(dir + "/pipe-in-place.csv", 0o644), 0)
        try site.drop("shouning", "big.json", String(repeating: " ", count: 2048) + Records.reportJSON(unit: "shouning", id: "big"))

        let expected = ["link.json": "not a regular file", "pipe.json": "FIFO", "big.json": "file too large: 2",
                        "pipe-in-place.csv": "FIFO"]
        // The errors file is written first, then the entry moved: wait for both.
        try waitUntil("four refusals", timeout: .seconds(20), watching: [dir, dir + "/rejected"]) {
            expected.keys.allSatisfy { name in
                var st = stat()
                return site.exists(site.rejectedPath("shouning", name + ".errors.txt"))
                    && lstat(site.rejectedPath("shouning", name), &st) == 0 && lstat(dir + "/" + name, &st) != 0
            }
        }
        for (name, reason) in expected {
            let errors = try String(contentsOfFile: site.rejectedPath("shouning", name + ".errors.txt"), encoding: .utf8)
            XCTAssertTrue(errors.contains(reason), "\(name): \(errors)")
            var st = stat()
            XCTAssertEqual(lstat(site.rejectedPath("shouning", name), &st), 0, "\(name) moved to rejected/")
            XCTAssertFalse(site.exists(dir + "/" + name))
        }
        var st = stat()
        XCTAssertEqual(lstat(site.rejectedPath("shouning", "link.json"), &st), 0)
        XCTAssertEqual(st.st_mode & S_IFMT, S_IFLNK, "the link itself was moved, never followed")
        XCTAssertEqual(try String(contentsOfFile: secret, encoding: .utf8), secretText, "the target is untouched")
        XCTAssertEqual(try site.count("SELECT count(*) FROM revision"), 0)

        XCTAssertTrue(daemon.isRunning)
        try site.drop("shouning", "good.json", Records.reportJSON(unit: "shouning", id: "good"))
        try waitForReceipts(site, "shouning", ["good.json"])
        XCTAssertEqual(try site.count("SELECT count(*) FROM revision"), 1)
        // The ledger row of a rejection is written after the move: checked once a later file is done.
        XCTAssertEqual(try site.files(.rejected), 4)
        expectTerminatedCleanly(daemon)
    }

    // MARK: 6. SIGTERM in the middle of a file

    func testSIGTERMMidFileExitsZeroAndLeavesTheFileWholeOrUntouched() throws {
        let site = try TestSite()
        let daemon = try start(site)
        let count = 150_000
        try site.drop("inspectors", "big.csv", Records.spotchecksCSV(prefix: "big", count: count))
        let incoming = site.stateDirectory + "/incoming"
        // Processing has begun once the staged copy exists (or, on a fast machine, is done).
        try waitUntil("the staged copy of big.csv", watching: [incoming, site.dir("inspectors") + "/receipts"]) {
            !site.names(in: incoming).isEmpty || site.exists(site.receiptPath("inspectors", "big.csv"))
        }
        let signalledAt = ContinuousClock.now
        expectTerminatedCleanly(daemon, within: .seconds(10))
        let took = ContinuousClock.now - signalledAt
        let accepted = site.exists(site.receiptPath("inspectors", "big.csv"))
        let records = try site.count("SELECT count(*) FROM revision")
        if accepted {
            XCTAssertEqual(site.receiptRecords("inspectors", "big.csv"), count)
            XCTAssertEqual(records, count)
            XCTAssertFalse(site.exists(site.dir("inspectors") + "/big.csv"))
            XCTAssertEqual(try site.files(.accepted, finished: true), 1)
        } else {
            XCTAssertTrue(site.exists(site.dir("inspectors") + "/big.csv"), "neither accepted nor left in place")
            XCTAssertEqual(records, 0, "half a file in the store")
            XCTAssertEqual(try site.count("SELECT count(*) FROM file"), 0)
        }
        XCTAssertFalse(site.exists(site.rejectedPath("inspectors", "big.csv")))
        print("SIGTERM mid-file: \(accepted ? "finished the file" : "left it untouched") and exited in \(took)")

        // Whatever happened, a restart ends with the file accepted exactly once.
        let again = try start(site)
        try waitForReceipts(site, "inspectors", ["big.csv"], timeout: .seconds(60))
        XCTAssertEqual(try site.count("SELECT count(*) FROM revision"), count)
        expectTerminatedCleanly(again, within: .seconds(10))
    }

    // MARK: 7. SIGHUP

    func testSIGHUPReloadsAGoodConfigAndKeepsTheOldOneOnABadOne() throws {
        let site = try TestSite()
        let daemon = try start(site)
        try site.drop("shouning", "before.json", Records.reportJSON(unit: "shouning", id: "before"))
        try waitForReceipts(site, "shouning", ["before.json"])

        // A good new config: one more source.
        let extra = """
            [[source]]
            name = "inspectors2"
            path = "spool/inspectors2"
            role = "inspector"
            """
        try site.writeConfig(extraSources: extra)
        var mark = daemon.logLength
        daemon.signal(SIGHUP)
        try daemon.waitForLog("configuration reloaded", after: mark)
        XCTAssertTrue(site.exists(site.dir("inspectors2") + "/receipts"), "the new drop directory was created")
        try site.drop("inspectors2", "new.csv", Records.spotchecksCSV(prefix: "new", count: 3))
        try waitForReceipts(site, "inspectors2", ["new.csv"])
        XCTAssertEqual(try site.files(.accepted, source: "inspectors2"), 1)

        // A bad one: a syntax error. Logged, and the previous config stays in force.
        try "office = \"test-office\"\n[[source]\nname = ".write(toFile: site.configPath, atomically: false, encoding: .utf8)
        mark = daemon.logLength
        daemon.signal(SIGHUP)
        let log = try daemon.waitForLog("reload failed", after: mark)
        XCTAssertTrue(log.contains("keeping the previous configuration"), log)
        XCTAssertTrue(daemon.isRunning)
        try site.drop("shouning", "after.json", Records.reportJSON(unit: "shouning", id: "after"))
        try site.drop("inspectors2", "after.csv", Records.spotchecksCSV(prefix: "after", count: 2))
        try waitForReceipts(site, "shouning", ["after.json"])
        try waitForReceipts(site, "inspectors2", ["after.csv"])
        XCTAssertEqual(try site.count("SELECT count(*) FROM revision"), 1 + 3 + 1 + 2)
        expectTerminatedCleanly(daemon)
    }

    // MARK: 8. sd_notify

    func testNotifyProtocolOverAPathSocket() throws {
        let site = try TestSite()
        let listener = try NotifyListener(path: site.root + "/notify.sock")
        try checkNotifyProtocol(site: site, listener: listener)
    }

    func testNotifyProtocolOverAnAbstractSocket() throws {
        let site = try TestSite()
        let listener = try NotifyListener(abstract: "fieldsync-test-" + UUID().uuidString.prefix(12).lowercased())
        try checkNotifyProtocol(site: site, listener: listener)
    }

    private func checkNotifyProtocol(site: TestSite, listener: NotifyListener) throws {
        let daemon = try start(site, environment: [
            "NOTIFY_SOCKET": listener.address, "WATCHDOG_USEC": "400000", "WATCHDOG_PID": nil,
        ], waitUntilStarted: false)
        let ready = try listener.receive("READY=1", timeout: .seconds(30))
        XCTAssertTrue(ready.contains("STATUS=watching 4 drop directories"), ready)

        try site.drop("shouning", "n.json", Records.reportJSON(unit: "shouning", id: "n"))
        try listener.receive(until: "STATUS after a file") { $0.hasPrefix("STATUS=") && $0.contains("shouning/n.json") }
        // Two pings, 200 ms apart (half of WATCHDOG_USEC), while idle.
        for _ in 0 ..< 2 { try listener.receive("WATCHDOG=1", timeout: .seconds(5)) }

        daemon.signal(SIGHUP)
        let reloading = try listener.receive("RELOADING=1")
        XCTAssertTrue(reloading.contains("MONOTONIC_USEC="), reloading)
        let readyAgain = try listener.receive("READY=1")
        XCTAssertTrue(readyAgain.contains("STATUS=reloaded"), readyAgain)
        try listener.receive("WATCHDOG=1", timeout: .seconds(5))

        daemon.signal(SIGTERM)
        try listener.receive("STOPPING=1")
        let exit = try XCTUnwrap(daemon.waitForExit(timeout: .seconds(10)), "still running after SIGTERM")
        XCTAssertEqual(exit.reason, .exit)
        XCTAssertEqual(exit.status, 0)
    }

    // MARK: 9. kill -9 and restart

    /// Killed with files waiting and a group in progress, twice, then left to finish:
    /// every file is accepted once, every record counted once, nothing lost. Three
    /// groups' worth of files, so that each kill lands with groups still to come.
    func testKillNineWithFilesWaitingThenRestartLosesAndRepeatsNothing() throws {
        let site = try TestSite()
        let files = 3 * Intake.groupSize
        let perFile = 100
        var names: [String] = []
        for i in 0 ..< files {
            let name = String(format: "batch-%02d.csv", i)
            try site.drop("inspectors", name, Records.spotchecksCSV(prefix: "k\(i)", count: perFile))
            names.append(name)
        }
        let receipts = site.dir("inspectors") + "/receipts"
        for killAfter in [1, Intake.groupSize + 1] {
            let daemon = try start(site)
            try waitUntil("\(killAfter) receipts", watching: [receipts]) { site.receiptCount("inspectors") >= killAfter }
            daemon.signal(SIGKILL)
            let exit = try XCTUnwrap(daemon.waitForExit(timeout: .seconds(10)))
            XCTAssertEqual(exit.reason, .uncaughtSignal)
            XCTAssertLessThan(site.receiptCount("inspectors"), files, "killed before the end: the test proves nothing")
        }
        let daemon = try start(site)
        try waitForReceipts(site, "inspectors", names, timeout: .seconds(120))
        // A group's receipts come before its files leave the drop directory and the ledger says so.
        try waitUntil("every file finished", watching: [site.dir("inspectors")]) {
            try site.files(.accepted, finished: true) == files
        }
        for name in names {
            XCTAssertEqual(site.receiptRecords("inspectors", name), perFile, name)
            XCTAssertEqual(site.receipt("inspectors", name)?["duplicate_of"] as? String, nil, "\(name) counted as a re-drop")
        }
        XCTAssertEqual(try site.count("SELECT count(*) FROM revision"), files * perFile)
        XCTAssertEqual(try site.files(.accepted, finished: true), files)
        XCTAssertEqual(try (site.files(.duplicate) + site.files(.rejected)), 0)
        XCTAssertEqual(site.names(in: site.dir("inspectors")), ["receipts", "rejected"])
        XCTAssertEqual(site.names(in: site.dir("inspectors") + "/rejected"), [])
        XCTAssertEqual(site.names(in: site.stateDirectory + "/incoming"), [])
        expectTerminatedCleanly(daemon)
    }

    // MARK: 10. status while running

    func testStatusJSONWhileTheDaemonRuns() throws {
        let site = try TestSite()
        let daemon = try start(site)
        try site.drop("shouning", "ok.json", Records.reportJSON(unit: "shouning", id: "ok"))
        try site.drop("shouning", "bad.json", Records.reportJSON(unit: "fuan", id: "not-mine"))
        try waitUntil("ok.json and bad.json handled", watching: [site.dir("shouning") + "/receipts", site.dir("shouning") + "/rejected"]) {
            try site.exists(site.receiptPath("shouning", "ok.json")) && site.exists(site.rejectedPath("shouning", "bad.json.errors.txt"))
                && !site.exists(site.dir("shouning") + "/bad.json")
                // The ledger row of a rejection is written after the move.
                && site.files(.rejected) == 1
        }

        // Files waiting: the daemon is paused while they arrive.
        try daemon.stop()
        var stopped = true
        defer { if stopped { daemon.signal(SIGCONT) } }
        for i in 0 ..< 3 {
            try site.drop("fuan", "w\(i).json", Records.reportJSON(unit: "fuan", id: "w\(i)"))
        }
        var status = try statusJSON(site)
        XCTAssertEqual(status["shouning"]?["accepted"], 1)
        XCTAssertEqual(status["shouning"]?["rejected"], 1)
        XCTAssertEqual(status["shouning"]?["waiting"], 0)
        XCTAssertEqual(status["fuan"]?["accepted"], 0)
        XCTAssertEqual(status["fuan"]?["waiting"], 3)
        XCTAssertEqual(status["inspectors"]?["waiting"], 0)
        XCTAssertEqual(status["shouning"]?["records_in_force"], 1)

        daemon.signal(SIGCONT)
        stopped = false
        try waitForReceipts(site, "fuan", ["w0.json", "w1.json", "w2.json"])
        status = try statusJSON(site)
        XCTAssertEqual(status["fuan"]?["accepted"], 3)
        XCTAssertEqual(status["fuan"]?["waiting"], 0)
        XCTAssertEqual(status["fuan"]?["records_in_force"], 3)
        XCTAssertTrue(daemon.isRunning)
        expectTerminatedCleanly(daemon)
    }

    /// `fieldsync status --format json`: per source, its integer fields.
    private func statusJSON(_ site: TestSite) throws -> [String: [String: Int]] {
        let result = try runFieldsync(["status", "--config", site.configPath, "--format", "json"])
        XCTAssertEqual(result.status, 0)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any], result.output)
        let sources = try XCTUnwrap(json["sources"] as? [[String: Any]], result.output)
        var out: [String: [String: Int]] = [:]
        for source in sources {
            guard let name = source["name"] as? String else { continue }
            var fields: [String: Int] = [:]
            for key in ["accepted", "rejected", "waiting", "records_in_force"] {
                fields[key] = (source[key] as? NSNumber)?.intValue
            }
            out[name] = fields
        }
        return out
    }
}
