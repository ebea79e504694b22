import FieldsyncTesting
import Foundation
import Glibc
import Testing

/// The daemon's lifecycle on a `ServiceGroup`, seen from outside: what a SIGHUP may
/// change (the `watch` mode too) and what it may not (`office`, `state_dir`).
@Suite("Lifecycle", .serialized)
struct LifecycleTests {
    /// inotify instances the process holds: `/proc/PID/fd` links to `anon_inode:inotify`.
    static func inotifyInstances(_ pid: pid_t) -> Int {
        let dir = "/proc/\(pid)/fd"
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return fds.count { (try? FileManager.default.destinationOfSymbolicLink(atPath: dir + "/" + $0)) == "anon_inode:inotify" }
    }

    static func watch(_ mode: String, every interval: String) -> String {
        "[intake]\nwatch = \"\(mode)\"\npoll_interval = \"\(interval)\"\n"
    }

    /// Replaces the config, sends SIGHUP and waits for the reload's log line.
    static func reload(_ daemon: DaemonProcess, _ site: TestSite, _ extra: String) throws -> String {
        try site.writeConfig(extra)
        let mark = daemon.logLength
        daemon.signal(SIGHUP)
        return try daemon.waitForLog("configuration reloaded", after: mark)
    }

    static func drop(_ site: TestSite, _ name: String) throws {
        try site.drop("shouning", name, Records.reportJSON(unit: "shouning", id: name))
        try waitUntil("the receipt for \(name)", watching: [site.dir("shouning") + "/receipts"]) {
            site.exists(site.receiptPath("shouning", name))
        }
    }

    static func terminate(_ daemon: DaemonProcess) {
        daemon.signal(SIGTERM)
        let exit = daemon.waitForExit(timeout: .seconds(15))
        #expect(exit?.reason == .exit && exit?.status == 0, "\(String(describing: exit)): \(daemon.stderr)")
    }

    @Test("A reload switches watch mode both ways, opening and closing inotify with it")
    func reloadSwitchesWatchMode() throws {
        // A poll interval of an hour: only inotify can see a file in time.
        let site = try TestSite(extraConfig: Self.watch("inotify", every: "1h"))
        let daemon = try DaemonProcess(configPath: site.configPath)
        defer { daemon.kill() }
        try daemon.waitUntilStarted()
        #expect(Self.inotifyInstances(daemon.pid) == 1)
        try Self.drop(site, "under-inotify.json")

        let toPoll = try Self.reload(daemon, site, Self.watch("poll", every: "200ms"))
        #expect(toPoll.contains("watch=poll"), "\(toPoll)")
        try waitUntil("the inotify instance to be closed", recheck: .milliseconds(20)) {
            Self.inotifyInstances(daemon.pid) == 0
        }
        try Self.drop(site, "polled.json")

        let back = try Self.reload(daemon, site, Self.watch("inotify", every: "1h"))
        #expect(back.contains("watch=inotify"), "\(back)")
        try waitUntil("a new inotify instance", recheck: .milliseconds(20)) { Self.inotifyInstances(daemon.pid) == 1 }
        try Self.drop(site, "under-inotify-again.json")
        #expect(try site.count("SELECT count(*) FROM revision") == 3)
        Self.terminate(daemon)
    }

    @Test("A reload that changes what keys the store is refused with its reason; the daemon goes on as it was",
          arguments: [("office", #"office = "test-office""#, #"office = "another-office""#),
                      ("state_dir", #"state_dir = "state""#, #"state_dir = "state-elsewhere""#)])
    func reloadKeepsTheStoreKeys(key: String, was: String, now: String) throws {
        let site = try TestSite()
        let daemon = try DaemonProcess(configPath: site.configPath)
        defer { daemon.kill() }
        try daemon.waitUntilStarted()
        try Self.drop(site, "before.json")

        let changed = TestSite.config().replacingOccurrences(of: was, with: now)
        try #require(changed != TestSite.config())
        try changed.write(toFile: site.configPath, atomically: true, encoding: .utf8)
        let mark = daemon.logLength
        daemon.signal(SIGHUP)
        let log = try daemon.waitForLog("reload refused: \(key)", after: mark)
        #expect(log.contains("restart the service"), "\(log)")
        #expect(!log.contains("configuration reloaded"), "\(log)")

        try Self.drop(site, "after.json")
        #expect(try site.count("SELECT count(*) FROM revision") == 2, "both files in the one store")
        #expect(!site.exists(site.root + "/state-elsewhere/fieldsync.sqlite"))
        Self.terminate(daemon)
    }
}
