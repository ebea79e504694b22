import Foundation
import Glibc
import GRDB
import Synchronization
import XCTest

/// What the daemon tests need around a real `fieldsync run` child process: an
/// installation on disk (without opening its store, which belongs to the child), the
/// child itself with its stderr captured, waiting on file-system events instead of
/// sleeping, and a listening sd_notify socket.

struct HarnessTimeout: Error, CustomStringConvertible {
    var what: String
    var description: String { "timed out waiting for \(what)" }
}

/// A throw-away installation for the daemon: TestSite's scheme and sources, written to
/// disk only. `base` is where it lives: `/dev/shm` for tests that move thousands of
/// files (fsync is free there), the usual temporary directory otherwise.
final class DaemonSite {
    let root: String
    let configPath: String
    var stateDirectory: String { root + "/state" }
    var outside: String { root + "/outside" }
    private var counter = 0

    static let sources = ["shouning", "fuan", "inspectors", "survey"]

    init(extraConfig: String = "", base: String = NSTemporaryDirectory()) throws {
        root = (base.hasSuffix("/") ? base : base + "/") + "fieldsync-daemon-" + UUID().uuidString.prefix(8).lowercased()
        configPath = root + "/fieldsync.toml"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try TestSite.scheme.write(toFile: root + "/scheme.toml", atomically: false, encoding: .utf8)
        try writeConfig(extraConfig)
        for source in DaemonSite.sources {
            try FileManager.default.createDirectory(atPath: dir(source), withIntermediateDirectories: true)
        }
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    /// Replaces the config atomically (as an editor or config management would):
    /// written beside it, then renamed over it.
    func writeConfig(_ extra: String = "", extraSources: String = "") throws {
        try TestSite.config(extra: extra, extraSources: extraSources)
            .write(toFile: configPath + ".new", atomically: false, encoding: .utf8)
        guard rename(configPath + ".new", configPath) == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
    }

    func dir(_ source: String) -> String { root + "/spool/" + source }
    func receiptPath(_ source: String, _ name: String) -> String { dir(source) + "/receipts/" + name + ".receipt.json" }
    func rejectedPath(_ source: String, _ name: String) -> String { dir(source) + "/rejected/" + name }
    func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    /// Drops a file the way offices do: written completely elsewhere on the same file
    /// system, then renamed into the drop directory in one step.
    @discardableResult
    func drop(_ source: String, _ name: String, _ text: String) throws -> String {
        counter += 1
        let tmp = outside + "/\(counter)-" + name
        try writeFile(tmp, Array(text.utf8))
        let path = dir(source) + "/" + name
        guard rename(tmp, path) == 0 else { throw POSIXFailure("rename \(tmp) to \(path)") }
        return path
    }

    /// The receipt as JSON, or nil when there is none (yet).
    func receipt(_ source: String, _ name: String) -> [String: Any]? {
        guard let data = FileManager.default.contents(atPath: receiptPath(source, name)) else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }

    func receiptRecords(_ source: String, _ name: String) -> Int? {
        (receipt(source, name)?["records"] as? NSNumber)?.intValue
    }

    func names(in path: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
    }

    /// Receipts present for `source`.
    func receiptCount(_ source: String) -> Int {
        names(in: dir(source) + "/receipts").filter { $0.hasSuffix(".receipt.json") }.count
    }

    /// One integer from the daemon's store, read through a read-only connection of our own.
    func count(_ sql: String) throws -> Int {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        let db = try DatabaseQueue(path: stateDirectory + "/fieldsync.sqlite", configuration: configuration)
        defer { try? db.close() }
        return try db.read { try Int.fetchOne($0, sql: sql) ?? 0 }
    }
}

struct POSIXFailure: Error, CustomStringConvertible {
    var description: String
    init(_ action: String) { description = "\(action): \(String(cString: strerror(errno)))" }
}

func writeFile(_ path: String, _ bytes: [UInt8]) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw POSIXFailure("open \(path)") }
    defer { close(fd) }
    try writeAll(fd, bytes)
}

func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws {
    try bytes.withUnsafeBytes { buffer in
        var offset = 0
        while offset < buffer.count {
            let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw POSIXFailure("write")
            }
            offset += n
        }
    }
}

/// Records for the test scheme. Every call numbers its ids from `first`, so records are
/// distinct across files as long as the ranges do not overlap.
enum Records {
    static let csvHeader = "id,kind,period,unit,indicator,value,observed_at\n"

    /// Reports for `unit` (what that unit's reporter may submit), as CSV.
    static func reportsCSV(unit: String, prefix: String, count: Int) -> String {
        var text = csvHeader
        for i in 0 ..< count {
            text += "\(prefix)-\(i),report,2026,\(unit),siren.fixed,\(i % 3),2026-11-20\n"
        }
        return text
    }

    /// Spot-checks for both units and both indicators (inspectors), as CSV.
    static func spotchecksCSV(prefix: String, count: Int) -> String {
        var text = csvHeader
        text.reserveCapacity(count * 56)
        for i in 0 ..< count {
            let unit = i % 2 == 0 ? "shouning" : "fuan"
            let indicator = i % 4 < 2 ? "siren.fixed" : "duty.24h"
            let value = indicator == "duty.24h" ? "1" : "\(i % 3)"
            text += "\(prefix)-\(i),spotcheck,2026,\(unit),\(indicator),\(value),2026-11-20\n"
        }
        return text
    }

    /// One report as a JSON object.
    static func reportJSON(unit: String, id: String) -> String {
        #"{"id": "\#(id)", "kind": "report", "period": "2026", "unit": "\#(unit)", "indicator": "siren.fixed", "value": 2, "observed_at": "2026-11-20"}"#
    }
}

// MARK: - Waiting on events

/// Waits for a condition on the file system without sleeping: the condition is checked,
/// then the calling thread blocks in `poll(2)` on an inotify descriptor watching the
/// given directories (any entry created, written, moved or removed wakes it), and the
/// condition is checked again. A slow re-check (`recheck`) covers state that is not in
/// those directories (the store). Fails with `HarnessTimeout` at the deadline.
func waitUntil(_ what: @autoclosure () -> String, timeout: Duration = .seconds(20), watching directories: [String] = [],
               recheck: Duration = .milliseconds(100), _ condition: () throws -> Bool) throws {
    let deadline = ContinuousClock.now + timeout
    let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
    guard fd >= 0 else { throw POSIXFailure("inotify_init1") }
    defer { close(fd) }
    let mask = UInt32(IN_CREATE | IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_MODIFY)
    for directory in directories {
        _ = inotify_add_watch(fd, directory, mask)  // a missing directory: the re-check covers it
    }
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 8)
    defer { buffer.deallocate() }
    while true {
        if try condition() { return }
        let left = deadline - ContinuousClock.now
        if left <= .zero { throw HarnessTimeout(what: what()) }
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        _ = poll(&pfd, 1, Int32(milliseconds(min(left, recheck))))
        while read(fd, buffer.baseAddress, buffer.count) > 0 {}
    }
}

func milliseconds(_ d: Duration) -> Int64 {
    let (s, atto) = d.components
    return max(1, s * 1000 + atto / 1_000_000_000_000_000)
}

// MARK: - The daemon process

/// A `fieldsync run` child. Its stderr is collected by a thread of its own; the
/// process is killed (SIGKILL) by `kill()` and in deinit if it still runs, so a
/// failing test never leaves one behind.
final class DaemonProcess {
    /// What the stderr thread and the termination handler share with the test.
    private final class Shared: Sendable {
        let exited = DispatchSemaphore(value: 0)
        let log = Mutex("")
        let logChanged = NSCondition()
        let exitStatus = Mutex<(reason: Process.TerminationReason, status: Int32)?>(nil)
    }

    private let process: Process
    private let shared = Shared()
    let pid: pid_t

    /// Starts `fieldsync run --config configPath`; with `environment`, those variables
    /// are set (a nil value removes one). NOTIFY_SOCKET and the watchdog variables of
    /// the test runner itself are never inherited. With `user`, the daemon runs as that
    /// user (`setpriv`), from `executable`.
    init(configPath: String, environment: [String: String?] = [:], user: TestUser? = nil,
         executable: String = productsDirectory() + "/fieldsync") throws {
        let process = Process()
        if let user {
            process.executableURL = URL(fileURLWithPath: TestUser.setpriv)
            process.arguments = user.setprivArguments + [executable, "run", "--config", configPath]
        } else {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = ["run", "--config", configPath]
        }
        var env = ProcessInfo.processInfo.environment
        for key in ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "JOURNAL_STREAM", "FIELDSYNC_FAULT"] { env[key] = nil }
        env["FIELDSYNC_LOG_LEVEL"] = "info"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        let shared = self.shared
        process.terminationHandler = { p in
            shared.exitStatus.withLock { $0 = (p.terminationReason, p.terminationStatus) }
            shared.exited.signal()
        }
        try process.run()
        self.process = process
        pid = process.processIdentifier
        let reader = pipe.fileHandleForReading
        try? pipe.fileHandleForWriting.close()
        let thread = Thread {
            let fd = reader.fileDescriptor
            var buffer = [UInt8](repeating: 0, count: 16384)
            while true {
                let n = read(fd, &buffer, buffer.count)
                if n < 0, errno == EINTR { continue }
                shared.logChanged.lock()
                if n > 0 { shared.log.withLock { $0 += String(decoding: buffer[0 ..< n], as: UTF8.self) } }
                shared.logChanged.broadcast()
                shared.logChanged.unlock()
                if n <= 0 { break }
            }
            withExtendedLifetime(reader) {}
        }
        thread.name = "daemon-stderr"
        thread.start()
    }

    deinit { kill() }

    var stderr: String { shared.log.withLock { $0 } }

    var isRunning: Bool { shared.exitStatus.withLock { $0 == nil } }

    /// Waits until stderr contains `text`, `times` times (after `from` characters, to skip older lines).
    @discardableResult
    func waitForLog(_ text: String, times: Int = 1, after from: Int = 0, timeout: Duration = .seconds(20)) throws -> String {
        let deadline = Date().addingTimeInterval(seconds(timeout))
        shared.logChanged.lock()
        defer { shared.logChanged.unlock() }
        while true {
            let current = shared.log.withLock { $0 }
            let tail = current.dropFirst(min(from, current.count))
            if tail.components(separatedBy: text).count - 1 >= times { return String(tail) }
            if !isRunning { throw HarnessTimeout(what: "\"\(text)\" in the log; the daemon exited. Log:\n\(current)") }
            if !shared.logChanged.wait(until: min(deadline, Date().addingTimeInterval(0.2))), Date() >= deadline {
                throw HarnessTimeout(what: "\"\(text)\" in the log. Log:\n\(current)")
            }
        }
    }

    /// Waits for "fieldsync started": signal handlers are installed and the first scan queued.
    func waitUntilStarted() throws {
        try waitForLog("fieldsync started", timeout: .seconds(30))
    }

    var logLength: Int { shared.log.withLock { $0.count } }

    func signal(_ number: Int32) {
        if isRunning { Glibc.kill(pid, number) }
    }

    /// Waits for the process to end; nil when it is still running at the deadline.
    func waitForExit(timeout: Duration) -> (reason: Process.TerminationReason, status: Int32)? {
        if let s = shared.exitStatus.withLock({ $0 }) { return s }
        guard shared.exited.wait(timeout: .now() + seconds(timeout)) == .success else { return nil }
        return shared.exitStatus.withLock { $0 }
    }

    /// SIGKILL if still running, and reap it.
    func kill() {
        guard isRunning else { return }
        Glibc.kill(pid, SIGCONT)
        Glibc.kill(pid, SIGKILL)
        _ = waitForExit(timeout: .seconds(10))
    }
}

func seconds(_ d: Duration) -> Double {
    let (s, atto) = d.components
    return Double(s) + Double(atto) / 1e18
}

// MARK: - sd_notify

/// A listening `AF_UNIX` datagram socket standing in for systemd's notify socket.
final class NotifyListener {
    /// What to put in NOTIFY_SOCKET.
    let address: String
    private let fd: Int32
    private let path: String?
    /// Every datagram received so far.
    private(set) var messages: [String] = []

    /// A socket at `path`, or, with `abstract`, `@name` in the abstract namespace.
    init(path: String? = nil, abstract: String? = nil) throws {
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw POSIXFailure("socket") }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        var bytes: [UInt8]
        if let abstract {
            bytes = [0] + Array(abstract.utf8)
            address = "@" + abstract
            self.path = nil
        } else {
            bytes = Array(path!.utf8)
            address = path!
            self.path = path
        }
        let offset = MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path)!
        withUnsafeMutableBytes(of: &addr.sun_path) { $0.copyBytes(from: bytes) }
        let length = socklen_t(offset + bytes.count + (abstract == nil ? 1 : 0))
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else {
            let error = POSIXFailure("bind \(address)")
            close(fd)
            throw error
        }
    }

    deinit {
        close(fd)
        if let path { unlink(path) }
    }

    /// Receives until a datagram satisfies `matches`; returns it. Every datagram read
    /// on the way is kept in `messages`.
    @discardableResult
    func receive(until what: String, timeout: Duration = .seconds(10), _ matches: (String) -> Bool) throws -> String {
        let deadline = ContinuousClock.now + timeout
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let left = deadline - ContinuousClock.now
            if left <= .zero { throw HarnessTimeout(what: "\(what) on the notify socket; got \(messages)") }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, Int32(milliseconds(left))) > 0 else { continue }
            let n = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            guard n > 0 else { continue }
            let message = String(decoding: buffer[0 ..< n], as: UTF8.self)
            messages.append(message)
            if matches(message) { return message }
        }
    }

    /// Waits for a datagram holding the line `assignment` (e.g. "READY=1").
    @discardableResult
    func receive(_ assignment: String, timeout: Duration = .seconds(10)) throws -> String {
        try receive(until: assignment, timeout: timeout) { $0.split(separator: "\n").contains(Substring(assignment)) }
    }
}
