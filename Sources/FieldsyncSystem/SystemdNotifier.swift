import Foundation
import Glibc

/// Tells systemd how the service is doing, over the `sd_notify` protocol, without
/// linking libsystemd.
///
/// The protocol is one datagram of newline-separated `KEY=VALUE` assignments sent to
/// the `AF_UNIX` socket named by `NOTIFY_SOCKET` (a filesystem path, or an abstract
/// socket when it starts with `@`). A `Type=notify` unit needs `READY=1` once start-up
/// is done, `STOPPING=1` at shutdown, `RELOADING=1` (with `MONOTONIC_USEC=`) around a
/// reload, and `WATCHDOG=1` more often than `WatchdogSec=` when that is set. `STATUS=`
/// is what `systemctl status` shows.
///
/// A socket is opened per message, as `sd_notify(3)` does: messages are rare (the
/// watchdog pings a few times a minute), and the value stays a plain `Sendable` struct.
/// systemd learns the sender's PID from the socket's credentials, so with
/// `NotifyAccess=main` messages must come from the main process (any of its threads).
public struct SystemdNotifier: Sendable {
    /// `NOTIFY_SOCKET` as given: a path, or `@name` for an abstract socket.
    public let socketAddress: String

    /// `WATCHDOG_USEC` when the watchdog is enabled for this very process: `nil` when it
    /// is unset, not a positive integer, or `WATCHDOG_PID` names another process.
    public let watchdogInterval: Duration?

    /// How often to send ``watchdog()``: half of ``watchdogInterval``, as
    /// `sd_watchdog_enabled(3)` recommends, so that one late ping is not fatal.
    public var watchdogPingInterval: Duration? {
        watchdogInterval.map { $0 / 2 }
    }

    /// Reads `NOTIFY_SOCKET`, `WATCHDOG_USEC` and `WATCHDOG_PID`.
    ///
    /// - Returns: `nil` when not run by systemd as a notify service (`NOTIFY_SOCKET`
    ///   unset or empty), or when the address is not one this implementation speaks
    ///   (neither `/path` nor `@abstract`, e.g. `vsock:`) or does not fit `sun_path`.
    ///   Callers then simply skip notifications.
    public init?(environment: [String: String] = ProcessInfo.processInfo.environment) {
        guard let address = environment["NOTIFY_SOCKET"], !address.isEmpty,
              address.hasPrefix("/") || address.hasPrefix("@"),
              address.utf8.count < SystemdNotifier.sunPathCapacity
        else { return nil }
        socketAddress = address
        watchdogInterval = SystemdNotifier.watchdogInterval(environment: environment, processID: getpid())
    }

    /// `WATCHDOG_USEC`, honoured only when `WATCHDOG_PID` is unset or equals `processID`.
    static func watchdogInterval(environment: [String: String], processID: pid_t) -> Duration? {
        guard let text = environment["WATCHDOG_USEC"], let usec = UInt64(text), usec > 0 else { return nil }
        if let pidText = environment["WATCHDOG_PID"] {
            guard let pid = pid_t(pidText), pid == processID else { return nil }
        }
        return .microseconds(Int64(clamping: usec))
    }

    /// Sends `assignments` (newline-separated `KEY=VALUE` lines) as one datagram.
    ///
    /// - Throws: ``SystemCallError`` when the socket cannot be created or the datagram
    ///   not sent (`ENOENT`/`ECONNREFUSED` when nothing listens there any more).
    public func notify(_ assignments: String) throws {
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SystemCallError("socket", subject: socketAddress) }
        defer { close(fd) }

        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var pathBytes = Array(socketAddress.utf8)
        let abstract = pathBytes.first == UInt8(ascii: "@")
        if abstract { pathBytes[0] = 0 }  // abstract namespace: leading NUL, no terminator
        let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path)!
        withUnsafeMutableBytes(of: &address.sun_path) { sunPath in
            sunPath.copyBytes(from: pathBytes)  // the rest is already zero: a terminator
        }
        // For an abstract name every byte of the length counts, so it must be exact;
        // a path is NUL-terminated and the length includes the terminator.
        let length = socklen_t(pathOffset + pathBytes.count + (abstract ? 0 : 1))

        let message = Array(assignments.utf8)
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                message.withUnsafeBytes { bytes in
                    sendto(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL), socketAddress, length)
                }
            }
        }
        guard sent >= 0 else { throw SystemCallError("sendto", subject: socketAddress) }
    }

    /// `READY=1`: start-up is complete; systemd's `start` returns and dependants start.
    /// With `status`, also sets `STATUS=` in the same message.
    public func ready(status: String? = nil) throws {
        try notify("READY=1" + (status.map { "\nSTATUS=\(SystemdNotifier.oneLine($0))" } ?? ""))
    }

    /// `STATUS=…`: a one-line free-form state shown by `systemctl status`.
    public func status(_ text: String) throws {
        try notify("STATUS=\(SystemdNotifier.oneLine(text))")
    }

    /// `STOPPING=1`: shutdown has begun.
    public func stopping() throws {
        try notify("STOPPING=1")
    }

    /// `RELOADING=1` with `MONOTONIC_USEC=` (`CLOCK_MONOTONIC` now), which systemd ≥ 253
    /// requires for `Type=notify-reload` and accepts otherwise. Send ``ready(status:)``
    /// when the reload is complete.
    public func reloading() throws {
        try notify("RELOADING=1\nMONOTONIC_USEC=\(SystemdNotifier.monotonicMicroseconds())")
    }

    /// `WATCHDOG=1`: the service is alive. Send every ``watchdogPingInterval``.
    public func watchdog() throws {
        try notify("WATCHDOG=1")
    }

    /// `CLOCK_MONOTONIC` in microseconds, the clock systemd compares reload stamps with.
    static func monotonicMicroseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
    }

    /// A newline would end the assignment and start a bogus one; flatten it.
    static func oneLine(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: " ")
            .replacingOccurrences(of: "\n", with: " ")
            .replacingOccurrences(of: "\r", with: " ")
    }

    /// Bytes in `sockaddr_un.sun_path`.
    static let sunPathCapacity = MemoryLayout.size(ofValue: sockaddr_un().sun_path)
}
