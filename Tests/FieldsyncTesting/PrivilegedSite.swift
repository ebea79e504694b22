import FieldsyncSystem
import Foundation
import Glibc
import GRDB
import Synchronization

/// A numeric user the tests run a process as, with `setpriv` (util-linux): no entry in
/// /etc/passwd is needed, so CI's root can be a daemon and a county clerk at once.
package struct TestUser: Sendable {
    package static let setpriv = "/usr/bin/setpriv"

    package var uid: uid_t
    package var gid: gid_t
    package var groups: [gid_t]

    /// The daemon's user and group, a member of every drop directory's group.
    package static let daemon = TestUser(uid: 61001, gid: 61100, groups: Array(TestGroup.all.values))
    /// Shouning's clerk: in Shouning's group only.
    package static let shouningClerk = TestUser(uid: 61002, gid: 61002, groups: [TestGroup.all["shouning"]!])

    package var setprivArguments: [String] {
        ["--reuid=\(uid)", "--regid=\(gid)", "--groups=\(groups.map(String.init).joined(separator: ","))",
         "--inh-caps=-all", "--"]
    }

    /// Whether these tests can run here: only root can become other users.
    package static var available: Bool {
        geteuid() == 0 && FileManager.default.isExecutableFile(atPath: setpriv)
    }

    /// Runs `script` with `/bin/sh` as this user, umask 007, in `directory`; returns
    /// its exit status and what it printed.
    @discardableResult
    package func shell(_ script: String, in directory: String) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestUser.setpriv)
        process.arguments = setprivArguments + ["/bin/sh", "-c", "umask 007; cd \"$0\" && \(script)", directory]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

/// The group of each drop directory, as `fieldsync.sysusers` makes one per source.
package enum TestGroup {
    package static let all: [String: gid_t] = ["shouning": 61101, "fuan": 61102, "inspectors": 61103, "survey": 61104]
}

/// A daemon installation laid out as `systemd/fieldsync.tmpfiles` lays out production:
/// the daemon's own user owns `state_dir` and every drop directory, each drop directory
/// belongs to its source's group with the mode tmpfiles gives it, and `receipts/` and
/// `rejected/` are the daemon's. The binary is copied beside it, where the daemon's
/// user can run it whatever the checkout's permissions.
package final class PrivilegedSite {
    package let site: TestSite
    package let executable: String

    package var root: String { site.root }
    package var configPath: String { site.configPath }
    package func dir(_ source: String) -> String { site.dir(source) }

    /// - Parameter dropMode: the drop directories' mode; by default the one
    ///   `systemd/fieldsync.tmpfiles` gives them.
    package init(dropMode: mode_t? = nil, extraConfig: String = "") throws {
        site = try TestSite(extraConfig: extraConfig)
        executable = try Self.sharedExecutable.get()
        let mode = try dropMode ?? Tmpfiles.mode(of: "/var/spool/fieldsync/units/shouning")
        let answerMode = try Tmpfiles.mode(of: "/var/spool/fieldsync/units/shouning/rejected")
        let daemon = TestUser.daemon
        try chmod(site.root, 0o755)
        try chmod(site.root + "/spool", 0o751)
        try FileManager.default.createDirectory(atPath: site.stateDirectory, withIntermediateDirectories: true)
        try chown(site.stateDirectory, daemon.uid, daemon.gid, mode: 0o750)
        for source in TestSite.sources {
            let group = TestGroup.all[source]!
            try chown(dir(source), daemon.uid, group, mode: mode)
            for answer in ["receipts", "rejected"] {
                let path = dir(source) + "/" + answer
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
                try chown(path, daemon.uid, group, mode: answerMode)
            }
        }
    }

    /// One copy of the daemon per test process, in a directory every uid can traverse.
    ///
    /// One, written once with close-on-exec: a copy per site, written while other tests
    /// spawn processes, let a child inherit the copy's write descriptor, and running the
    /// copy then failed with ETXTBSY ("Text file busy"). FIELDSYNC_DAEMON_UNDER_TEST runs
    /// these attacks on another build (an older release, to see them succeed there).
    private static let sharedExecutable: Result<String, any Error> = Result {
        let binary = ProcessInfo.processInfo.environment["FIELDSYNC_DAEMON_UNDER_TEST"] ?? productsDirectory() + "/fieldsync"
        var template = Array("/tmp/fieldsync-binary-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw SystemCallError("mkdtemp", subject: "/tmp") }
        let directory = String(cString: made)
        guard Glibc.chmod(directory, 0o755) == 0 else { throw SystemCallError("chmod", subject: directory) }
        let executable = directory + "/fieldsync"
        let bytes = try Data(contentsOf: URL(fileURLWithPath: binary))
        let fd = open(executable, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o755)
        guard fd >= 0 else { throw SystemCallError("open", subject: executable) }
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        guard written == bytes.count else { throw SystemCallError("write", subject: executable) }
        removeAtExit.withLock { $0 = directory }
        atexit { if let directory = PrivilegedSite.removeAtExit.withLock({ $0 }) { try? FileManager.default.removeItem(atPath: directory) } }
        return executable
    }
    private static let removeAtExit = Mutex<String?>(nil)

    private func chmod(_ path: String, _ mode: mode_t) throws {
        guard Glibc.chmod(path, mode) == 0 else { throw SystemCallError("chmod", subject: path) }
    }

    private func chown(_ path: String, _ uid: uid_t, _ gid: gid_t, mode: mode_t) throws {
        guard Glibc.chown(path, uid, gid) == 0 else { throw SystemCallError("chown", subject: path) }
        try chmod(path, mode)
    }

    /// The daemon, as its own user; with `debug`, it logs every scan too.
    package func startDaemon(debug: Bool = false) throws -> DaemonProcess {
        let daemon = try DaemonProcess(configPath: configPath, environment: debug ? ["FIELDSYNC_LOG_LEVEL": "debug"] : [:],
                                       user: .daemon, executable: executable)
        try daemon.waitUntilStarted()
        return daemon
    }

    /// `fieldsync status --format json` as the daemon's user, as JSON.
    package func status() throws -> [String: Any] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestUser.setpriv)
        process.arguments = TestUser.daemon.setprivArguments + [executable, "status", "--config", configPath, "--format", "json"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (try JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    }

    /// The status of one source.
    package func status(of source: String) throws -> [String: Any] {
        let sources = try status()["sources"] as? [[String: Any]] ?? []
        return sources.first { $0["name"] as? String == source } ?? [:]
    }

    package func count(_ sql: String) throws -> Int { try site.count(sql) }
}

/// Reads modes from `systemd/fieldsync.tmpfiles` and what `fieldsync provision` writes
/// for the bundled config (`systemd/fieldsync-sources.tmpfiles`), so the tests lay out
/// what production gets and fail when the shipped modes are wrong.
package enum Tmpfiles {
    package static func mode(of path: String) throws -> mode_t {
        let text = try ["fieldsync.tmpfiles", "fieldsync-sources.tmpfiles"].map {
            try String(contentsOfFile: repositoryRoot() + "/systemd/" + $0, encoding: .utf8)
        }.joined(separator: "\n")
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if fields.count >= 3, fields[0] == "d", fields[1] == path, let mode = mode_t(fields[2], radix: 8) {
                return mode
            }
        }
        throw TestSetupError("no mode for \(path) in fieldsync.tmpfiles")
    }
}
