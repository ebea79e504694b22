import FieldsyncSystem
import Foundation
import Glibc
import Synchronization

/// A `fieldsync run` child. Its stderr is collected by a thread of its own; the
/// process is killed (SIGKILL) by `kill()` and in deinit if it still runs, so a
/// failing test never leaves one behind.
package final class DaemonProcess {
    /// What the stderr thread and the termination handler share with the test.
    private final class Shared: Sendable {
        let exited = DispatchSemaphore(value: 0)
        let log = Mutex("")
        let logChanged = NSCondition()
        let exitStatus = Mutex<(reason: Process.TerminationReason, status: Int32)?>(nil)
    }

    private let process: Process
    private let shared = Shared()
    package let pid: pid_t

    /// Starts `fieldsync run --config configPath`; with `environment`, those variables
    /// are set (a nil value removes one). NOTIFY_SOCKET and the watchdog variables of
    /// the test runner itself are never inherited. With `user`, the daemon runs as that
    /// user (`setpriv`), from `executable`.
    package init(configPath: String, environment: [String: String?] = [:], user: TestUser? = nil,
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
                let n = (try? SystemCall.retrying("read", "daemon stderr") { read(fd, &buffer, buffer.count) }) ?? -1
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

    package var stderr: String { shared.log.withLock { $0 } }

    package var isRunning: Bool { shared.exitStatus.withLock { $0 == nil } }

    /// Waits until stderr contains `text`, `times` times (after `from` characters, to skip older lines).
    @discardableResult
    package func waitForLog(_ text: String, times: Int = 1, after from: Int = 0, timeout: Duration = .seconds(20)) throws -> String {
        let deadline = Date().addingTimeInterval(seconds(timeout))
        shared.logChanged.lock()
        defer { shared.logChanged.unlock() }
        while true {
            let current = shared.log.withLock { $0 }
            let tail = current.dropFirst(min(from, current.count))
            if tail.components(separatedBy: text).count - 1 >= times { return String(tail) }
            if !isRunning { throw WaitTimeout(what: "\"\(text)\" in the log; the daemon exited. Log:\n\(current)") }
            if !shared.logChanged.wait(until: min(deadline, Date().addingTimeInterval(0.2))), Date() >= deadline {
                throw WaitTimeout(what: "\"\(text)\" in the log. Log:\n\(current)\(threads())")
            }
        }
    }

    /// What every thread of the daemon is doing, from gdb when it is installed: a daemon
    /// that stops logging is a hang, and its stacks are the only way to see where.
    package func threads() -> String {
        let gdb = "/usr/bin/gdb"
        guard isRunning, FileManager.default.isExecutableFile(atPath: gdb) else { return "" }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: gdb)
        p.arguments = ["-p", "\(pid)", "-batch", "-ex", "thread apply all bt 25"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return "" }
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return "\n--- threads of \(pid) ---\n" + text
    }

    /// Waits for "fieldsync started": signal handlers are installed and the first scan queued.
    package func waitUntilStarted() throws {
        try waitForLog("fieldsync started", timeout: .seconds(30))
    }

    package var logLength: Int { shared.log.withLock { $0.count } }

    package func signal(_ number: Int32) {
        if isRunning { Glibc.kill(pid, number) }
    }

    /// The process's state letter from `/proc/PID/stat` (`S` sleeping, `R` running,
    /// `T` stopped …); nil once it is gone.
    package var state: Character? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        return text[close...].dropFirst(2).first
    }

    /// SIGSTOP, and a wait until every thread has stopped (a signal is only sent by
    /// kill(2); the process stops when its threads next leave the kernel).
    package func stop() throws {
        signal(SIGSTOP)
        try waitUntil("process \(pid) to stop", timeout: .seconds(10), recheck: .milliseconds(5)) { state == "T" }
    }

    /// Waits for the process to end; nil when it is still running at the deadline.
    package func waitForExit(timeout: Duration) -> (reason: Process.TerminationReason, status: Int32)? {
        if let s = shared.exitStatus.withLock({ $0 }) { return s }
        guard shared.exited.wait(timeout: .now() + seconds(timeout)) == .success else { return nil }
        return shared.exitStatus.withLock { $0 }
    }

    /// SIGKILL if still running, and reap it.
    package func kill() {
        guard isRunning else { return }
        Glibc.kill(pid, SIGCONT)
        Glibc.kill(pid, SIGKILL)
        _ = waitForExit(timeout: .seconds(10))
    }
}
