import FieldsyncSystem
import Foundation
import Glibc

/// A listening `AF_UNIX` datagram socket standing in for systemd's notify socket.
package final class NotifyListener {
    /// What to put in NOTIFY_SOCKET.
    package let address: String
    private let fd: Int32
    private let path: String?
    /// Every datagram received so far.
    package private(set) var messages: [String] = []

    /// A socket at `path`, or, with `abstract`, `@name` in the abstract namespace.
    package init(path: String? = nil, abstract: String? = nil) throws {
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SystemCallError("socket") }
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
        // On failure deinit closes the socket (every property is set by now): closing it
        // here too would close another descriptor opened meanwhile under its number.
        guard bound == 0 else { throw SystemCallError("bind", subject: address) }
    }

    deinit {
        close(fd)
        if let path { unlink(path) }
    }

    /// Receives until a datagram satisfies `matches`; returns it. Every datagram read
    /// on the way is kept in `messages`.
    @discardableResult
    package func receive(until what: String, timeout: Duration = .seconds(10), _ matches: (String) -> Bool) throws -> String {
        let deadline = ContinuousClock.now + timeout
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let left = deadline - ContinuousClock.now
            if left <= .zero { throw WaitTimeout(what: "\(what) on the notify socket; got \(messages)") }
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
    package func receive(_ assignment: String, timeout: Duration = .seconds(10)) throws -> String {
        try receive(until: assignment, timeout: timeout) { $0.split(separator: "\n").contains(Substring(assignment)) }
    }
}
