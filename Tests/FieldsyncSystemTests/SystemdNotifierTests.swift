@testable import FieldsyncSystem
import FieldsyncTesting
import Foundation
import Glibc
import XCTest

/// The notifier against real `AF_UNIX` datagram sockets standing in for systemd's.
final class SystemdNotifierTests: XCTestCase {
    /// A bound datagram socket: a path in a temp dir, or an abstract name.
    private final class Listener {
        let fd: Int32
        let address: String
        private let directory: String?

        init(abstract: Bool) throws {
            fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { throw SystemCallError("socket") }
            // A receive timeout bounds a failing test; a passing one never waits on it.
            var timeout = timeval(tv_sec: 5, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))

            var bytes: [UInt8]
            if abstract {
                address = "@fieldsync-test-\(UInt64.random(in: 0 ... .max))"
                directory = nil
                bytes = Array(address.utf8)
                bytes[0] = 0
            } else {
                var template = Array((NSTemporaryDirectory() + "/fieldsync-notify-XXXXXX").utf8CString)
                guard let made = mkdtemp(&template) else { throw SystemCallError("mkdtemp") }
                directory = String(cString: made)
                address = directory! + "/notify"
                bytes = Array(address.utf8) + [0]
            }
            var socketAddress = sockaddr_un()
            socketAddress.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &socketAddress.sun_path) { $0.copyBytes(from: bytes) }
            let length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path)! + bytes.count)
            let bound = withUnsafePointer(to: &socketAddress) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
            }
            guard bound == 0 else { throw SystemCallError("bind", subject: address) }
        }

        /// The next datagram, or nil after the receive timeout.
        func receive() -> String? {
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = recv(fd, &buffer, buffer.count, 0)
            guard count >= 0 else { return nil }
            return String(decoding: buffer[0 ..< count], as: UTF8.self)
        }

        deinit {
            close(fd)
            if let directory { try? FileManager.default.removeItem(atPath: directory) }
        }
    }

    private func exchange(abstract: Bool) throws {
        let listener = try Listener(abstract: abstract)
        let notifier = try XCTUnwrap(SystemdNotifier(environment: ["NOTIFY_SOCKET": listener.address]))
        XCTAssertEqual(notifier.socketAddress, listener.address)

        try notifier.ready()
        XCTAssertEqual(listener.receive(), "READY=1")
        try notifier.ready(status: "watching 3 directories")
        XCTAssertEqual(listener.receive(), "READY=1\nSTATUS=watching 3 directories")
        try notifier.status("ingesting shouning/报表.csv\nsecond line")
        XCTAssertEqual(listener.receive(), "STATUS=ingesting shouning/报表.csv second line")
        try notifier.watchdog()
        XCTAssertEqual(listener.receive(), "WATCHDOG=1")
        try notifier.stopping()
        XCTAssertEqual(listener.receive(), "STOPPING=1")

        let before = SystemdNotifier.monotonicMicroseconds()
        try notifier.reloading()
        let after = SystemdNotifier.monotonicMicroseconds()
        let reloading = try XCTUnwrap(listener.receive())
        let lines = reloading.split(separator: "\n")
        XCTAssertEqual(lines.first, "RELOADING=1")
        XCTAssertEqual(lines.count, 2)
        let stamp = try XCTUnwrap(lines.last.flatMap { UInt64($0.dropFirst("MONOTONIC_USEC=".count)) })
        XCTAssertTrue(lines.last!.hasPrefix("MONOTONIC_USEC="))
        XCTAssertTrue((before ... after).contains(stamp), "\(before) ≤ \(stamp) ≤ \(after)")

        try notifier.notify("EXTEND_TIMEOUT_USEC=5000000")
        XCTAssertEqual(listener.receive(), "EXTEND_TIMEOUT_USEC=5000000")
    }

    func testSendsToAPathSocket() throws {
        try exchange(abstract: false)
    }

    func testSendsToAnAbstractSocket() throws {
        try exchange(abstract: true)
    }

    func testNotUnderSystemdMeansNoNotifier() {
        XCTAssertNil(SystemdNotifier(environment: [:]))
        XCTAssertNil(SystemdNotifier(environment: ["NOTIFY_SOCKET": ""]))
        XCTAssertNil(SystemdNotifier(environment: ["NOTIFY_SOCKET": "vsock:2:1234"]))
        XCTAssertNil(SystemdNotifier(environment: ["NOTIFY_SOCKET": "/" + String(repeating: "x", count: 200)]))
    }

    func testSendingWithNobodyListeningThrows() throws {
        let notifier = try XCTUnwrap(SystemdNotifier(environment: ["NOTIFY_SOCKET": "/nonexistent/fieldsync/notify"]))
        XCTAssertThrowsError(try notifier.ready()) { error in
            XCTAssertEqual((error as? SystemCallError)?.call, "sendto")
            XCTAssertEqual((error as? SystemCallError)?.errno, ENOENT)
        }
    }

    func testWatchdogInterval() throws {
        let socket = ["NOTIFY_SOCKET": "/run/systemd/notify"]
        let me = String(getpid())

        var notifier = try XCTUnwrap(SystemdNotifier(environment: socket))
        XCTAssertNil(notifier.watchdogInterval)
        XCTAssertNil(notifier.watchdogPingInterval)

        notifier = try XCTUnwrap(SystemdNotifier(environment: socket.merging(["WATCHDOG_USEC": "30000000"]) { $1 }))
        XCTAssertEqual(notifier.watchdogInterval, .seconds(30))
        XCTAssertEqual(notifier.watchdogPingInterval, .seconds(15))

        notifier = try XCTUnwrap(SystemdNotifier(environment: socket.merging(["WATCHDOG_USEC": "3000000", "WATCHDOG_PID": me]) { $1 }))
        XCTAssertEqual(notifier.watchdogInterval, .seconds(3))

        // Meant for another process (e.g. inherited from a parent): not ours to ping.
        notifier = try XCTUnwrap(SystemdNotifier(environment: socket.merging(["WATCHDOG_USEC": "3000000", "WATCHDOG_PID": "1"]) { $1 }))
        XCTAssertNil(notifier.watchdogInterval)

        for bad in ["0", "-5", "abc", "", "1.5"] {
            notifier = try XCTUnwrap(SystemdNotifier(environment: socket.merging(["WATCHDOG_USEC": bad]) { $1 }))
            XCTAssertNil(notifier.watchdogInterval, "WATCHDOG_USEC=\(bad)")
        }
        notifier = try XCTUnwrap(SystemdNotifier(environment: socket.merging(["WATCHDOG_USEC": "3000000", "WATCHDOG_PID": "x"]) { $1 }))
        XCTAssertNil(notifier.watchdogInterval)
    }
}
