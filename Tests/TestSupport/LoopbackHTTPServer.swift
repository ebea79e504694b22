import Dispatch
import FieldsyncSystem
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A real HTTP/1.1 server on 127.0.0.1 that answers each request with the next
/// step of a script, for tests that need a server to succeed, fail, stall or
/// talk nonsense on cue.
///
/// ```swift
/// let server = try LoopbackHTTPServer(script: [.respond(status: 503, headers: [("Retry-After", "2")]), .reset])
/// defer { server.stop() }
/// … POST to server.url(path: "/push") …
/// XCTAssertEqual(server.requests.first?.method, "POST")
/// ```
///
/// - It listens on an ephemeral port (``port``) and serves every connection on a
///   thread of its own, so a stalled answer never blocks the next connection.
/// - One request per connection: every answer carries `Connection: close`.
/// - Requests are read in full (`Content-Length` bodies; `Expect: 100-continue`
///   is honoured) and recorded in ``requests`` before the behaviour runs.
///   Behaviours are taken from the script in the order requests complete; once
///   it is exhausted, `whenExhausted` answers.
/// - ``stop()`` (also run by `deinit`) closes the listener, ends delays and
///   open connections, and waits a bounded time for every thread. It is
///   idempotent, so a failing test can never leave the server running.
public final class LoopbackHTTPServer: Sendable {
    /// What the server does with one request, after reading it in full.
    public indirect enum Behaviour: Sendable {
        /// A complete response. `Content-Length` (unless given) and
        /// `Connection: close` are added.
        case respond(status: Int, headers: [(String, String)] = [], body: [UInt8] = [])
        /// Abort the connection: `SO_LINGER` 0 and close, so the client gets a RST.
        case reset
        /// Close the connection without answering (an empty reply).
        case close
        /// Write these bytes verbatim, then close. Anything goes: garbage, or a
        /// hand-made response such as a `100 Continue` followed by a final one.
        case raw([UInt8])
        /// Wait, then behave as `then`. The wait ends early when the server stops
        /// or the client hangs up (then nothing more is sent).
        case delay(Duration, then: Behaviour)

        /// A non-HTTP answer, written verbatim before closing.
        public static func garbage(_ bytes: [UInt8] = Array("SSH-2.0-definitely-not-http\r\n".utf8)) -> Behaviour {
            .raw(bytes)
        }

        /// Never answer: wait until the client gives up or the server stops.
        public static var hang: Behaviour { .delay(.seconds(86_400), then: .close) }

        /// `respond` with a UTF-8 text body.
        public static func respond(status: Int, headers: [(String, String)] = [], text: String) -> Behaviour {
            .respond(status: status, headers: headers, body: Array(text.utf8))
        }
    }

    /// One request as received.
    public struct Request: Sendable {
        public var method: String
        /// The request target, e.g. `/push?x=1`.
        public var path: String
        public var version: String
        public var headers: [(name: String, value: String)]
        public var body: [UInt8]

        /// The last value of header `name`, compared case-insensitively.
        public func header(_ name: String) -> String? {
            headers.last { $0.name.lowercased() == name.lowercased() }?.value
        }

        /// The body decoded as UTF-8.
        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    private let core: Core

    /// The bound port on 127.0.0.1.
    public var port: UInt16 { core.port }

    /// Starts listening and serving at once.
    /// - Parameters:
    ///   - script: one behaviour per incoming request, in order.
    ///   - whenExhausted: the answer once the script is used up (200, empty body).
    public init(script: [Behaviour] = [], whenExhausted: Behaviour = .respond(status: 200)) throws {
        core = try Core(script: script, whenExhausted: whenExhausted)
        core.start()
    }

    deinit { core.stop() }

    /// `http://127.0.0.1:PORT` followed by `path`.
    public func url(path: String = "/") -> String {
        "http://127.0.0.1:\(port)\(path.hasPrefix("/") ? path : "/" + path)"
    }

    /// Every request received so far, in the order each was read in full.
    public var requests: [Request] { core.state.withLock { $0.requests } }

    /// Adds a behaviour to the end of the script (usable while serving).
    public func append(_ behaviour: Behaviour) {
        core.state.withLock { $0.script.append(behaviour) }
    }

    /// Waits until at least `count` requests have been received, or `timeout`
    /// passed; returns whether they were. For tests that must know a request
    /// arrived (and its behaviour began) without sleeping.
    public func waitForRequests(_ count: Int, timeout: Duration = .seconds(10)) async -> Bool {
        await core.waitForRequests(count, timeout: timeout)
    }

    /// Stops listening, ends delays and connections, and waits (at most 5 s) for
    /// the server's threads. Idempotent.
    public func stop() { core.stop() }
}

// MARK: - Implementation

extension LoopbackHTTPServer {
    struct State: Sendable {
        var script: [Behaviour]
        var whenExhausted: Behaviour
        var requests: [Request] = []
        var stopped = false
        var waiters: [(id: Int, count: Int, continuation: CheckedContinuation<Bool, Never>)] = []
        var nextWaiterID = 0
    }

    /// Owns the sockets and threads. Separate from the public class so the
    /// threads never keep the server alive: its `deinit` can always stop them.
    final class Core: Sendable {
        let port: UInt16
        let state: Mutex<State>
        private let listener: Int32
        /// Written once by `stop()` and never drained: every poll that includes
        /// its read end wakes up for good.
        private let wakeRead: Int32
        private let wakeWrite: Int32
        private let threads = DispatchGroup()

        init(script: [Behaviour], whenExhausted: Behaviour) throws {
            state = Mutex(State(script: script, whenExhausted: whenExhausted))
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { throw SystemCallError("socket") }
            var one: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = 0
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                    bind(fd, sa, length) == 0 && listen(fd, 64) == 0 && getsockname(fd, sa, &length) == 0
                }
            }
            guard bound else {
                let error = errno
                close(fd)
                throw SystemCallError("bind/listen", subject: "127.0.0.1", errno: error)
            }
            var pipeFDs: [Int32] = [0, 0]
            guard pipe(&pipeFDs) == 0 else {
                let error = errno
                close(fd)
                throw SystemCallError("pipe", errno: error)
            }
            // pipe2/accept4 are GNU extensions Swift's Glibc module does not
            // export; set close-on-exec by hand so spawned test helpers
            // (openssl, python) do not inherit the server's descriptors.
            for descriptor in pipeFDs { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
            listener = fd
            port = UInt16(bigEndian: address.sin_port)
            wakeRead = pipeFDs[0]
            wakeWrite = pipeFDs[1]
        }

        func start() {
            spawn(name: "loopback-accept") { [self] in acceptLoop() }
        }

        func stop() {
            let (first, waiters) = state.withLock { state in
                defer { state.stopped = true; state.waiters = [] }
                return (!state.stopped, state.waiters)
            }
            guard first else { return }
            for waiter in waiters { waiter.continuation.resume(returning: false) }
            var byte: UInt8 = 1
            _ = write(wakeWrite, &byte, 1)
            if threads.wait(timeout: .now() + .seconds(5)) == .success {
                close(listener)
                close(wakeRead)
                close(wakeWrite)
            }
            // Otherwise a thread is stuck somewhere unexpected: leak the
            // descriptors rather than close them under its feet.
        }

        func waitForRequests(_ count: Int, timeout: Duration) async -> Bool {
            let id: Int? = state.withLock { state in
                guard state.requests.count < count, !state.stopped else { return nil }
                state.nextWaiterID += 1
                return state.nextWaiterID
            }
            guard let id else { return state.withLock { $0.requests.count >= count } }
            let timer = Task { [self] in
                try? await Task.sleep(for: timeout)
                resumeWaiter(id: id, with: false)
            }
            defer { timer.cancel() }
            return await withCheckedContinuation { continuation in
                let satisfied = state.withLock { state -> Bool? in
                    if state.stopped { return false }
                    if state.requests.count >= count { return true }
                    state.waiters.append((id: id, count: count, continuation: continuation))
                    return nil
                }
                if let satisfied { continuation.resume(returning: satisfied) }
            }
        }

        private func resumeWaiter(id: Int, with value: Bool) {
            let waiter = state.withLock { state in
                state.waiters.firstIndex { $0.id == id }.map { state.waiters.remove(at: $0) }
            }
            waiter?.continuation.resume(returning: value)
        }

        private func spawn(name: String, _ body: @escaping @Sendable () -> Void) {
            threads.enter()
            let thread = Thread { [threads] in
                body()
                threads.leave()
            }
            thread.name = name
            thread.start()
        }

        private func acceptLoop() {
            while waitReadable(listener) {
                let connection = accept(listener, nil, nil)
                if connection < 0 { continue }
                _ = fcntl(connection, F_SETFD, FD_CLOEXEC)
                spawn(name: "loopback-connection") { [self] in serve(connection) }
            }
        }

        /// Polls `fd` together with the wake pipe; false once the server stops.
        private func waitReadable(_ fd: Int32, timeoutMilliseconds: Int32 = -1) -> Bool {
            var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
            let ready = (try? SystemCall.retrying("poll", "loopback server") { poll(&fds, 2, timeoutMilliseconds) }) ?? -1
            if fds[1].revents != 0 { return false }
            return ready > 0
        }

        private func serve(_ fd: Int32) {
            var lingerOnClose = false
            defer {
                if lingerOnClose {
                    var option = linger(l_onoff: 1, l_linger: 0)
                    setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
                } else {
                    shutdown(fd, Int32(SHUT_WR))
                }
                close(fd)
            }
            guard let request = readRequest(fd) else { return }
            let behaviour: Behaviour? = state.withLock { state in
                guard !state.stopped else { return nil }
                state.requests.append(request)
                let count = state.requests.count
                let ready = state.waiters.filter { $0.count <= count }
                state.waiters.removeAll { $0.count <= count }
                for waiter in ready { waiter.continuation.resume(returning: true) }
                return state.script.isEmpty ? state.whenExhausted : state.script.removeFirst()
            }
            guard var behaviour else { return }
            while true {
                switch behaviour {
                case .respond(let status, let headers, let body):
                    sendAll(fd, responseBytes(status: status, headers: headers, body: body))
                    return
                case .reset:
                    lingerOnClose = true
                    return
                case .close:
                    return
                case .raw(let bytes):
                    sendAll(fd, bytes)
                    return
                case .delay(let duration, let next):
                    // Readable means the client hung up (it has nothing more to send).
                    let (seconds, attoseconds) = duration.components
                    let milliseconds = min(Int64(Int32.max), seconds * 1000 + attoseconds / 1_000_000_000_000_000)
                    if waitReadable(fd, timeoutMilliseconds: Int32(max(0, milliseconds))) { return }
                    if state.withLock({ $0.stopped }) { return }
                    behaviour = next
                }
            }
        }

        /// Reads one request (head, then a `Content-Length` body); nil when the
        /// client goes away, the server stops, or the request is malformed.
        private func readRequest(_ fd: Int32) -> Request? {
            var buffer: [UInt8] = []
            let terminator: [UInt8] = [13, 10, 13, 10]
            var headEnd: Int?
            while headEnd == nil {
                guard buffer.count < 64 * 1024, receive(fd, into: &buffer) else { return nil }
                headEnd = buffer.firstRange(of: terminator)?.lowerBound
            }
            guard let headEnd else { return nil }
            let head = String(decoding: buffer[..<headEnd], as: UTF8.self)
            var lines = head.components(separatedBy: "\r\n")
            let requestLine = lines.removeFirst().split(separator: " ", omittingEmptySubsequences: true)
            guard requestLine.count == 3 else { return nil }
            var headers: [(name: String, value: String)] = []
            for line in lines {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers.append((name: String(line[..<colon]),
                                value: line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
            }
            var request = Request(method: String(requestLine[0]), path: String(requestLine[1]),
                                  version: String(requestLine[2]), headers: headers, body: [])
            if request.header("Expect")?.lowercased() == "100-continue" {
                sendAll(fd, Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
            }
            let length = Int(request.header("Content-Length") ?? "0") ?? 0
            var body = Array(buffer[(headEnd + 4)...])
            while body.count < length {
                guard receive(fd, into: &body) else { return nil }
            }
            request.body = Array(body.prefix(length))
            return request
        }

        /// Appends what is available on `fd`; false on EOF, error or stop.
        private func receive(_ fd: Int32, into buffer: inout [UInt8]) -> Bool {
            guard waitReadable(fd) else { return false }
            var chunk = [UInt8](repeating: 0, count: 16 * 1024)
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return false }
            buffer.append(contentsOf: chunk[..<count])
            return true
        }

        private func sendAll(_ fd: Int32, _ bytes: [UInt8]) {
            var offset = 0
            while offset < bytes.count {
                let sent = (try? bytes[offset...].withUnsafeBytes { chunk in
                    try SystemCall.retrying("send", "loopback client") { send(fd, chunk.baseAddress, chunk.count, Int32(MSG_NOSIGNAL)) }
                }) ?? -1
                guard sent > 0 else { return }
                offset += sent
            }
        }

        private func responseBytes(status: Int, headers: [(String, String)], body: [UInt8]) -> [UInt8] {
            var head = "HTTP/1.1 \(status) \(reasonPhrase(status))\r\n"
            for (name, value) in headers { head += "\(name): \(value)\r\n" }
            if !headers.contains(where: { $0.0.lowercased() == "content-length" }) {
                head += "Content-Length: \(body.count)\r\n"
            }
            head += "Connection: close\r\n\r\n"
            return Array(head.utf8) + body
        }

        private func reasonPhrase(_ status: Int) -> String {
            switch status {
            case 200: "OK"
            case 201: "Created"
            case 202: "Accepted"
            case 204: "No Content"
            case 400: "Bad Request"
            case 401: "Unauthorized"
            case 403: "Forbidden"
            case 404: "Not Found"
            case 408: "Request Timeout"
            case 409: "Conflict"
            case 429: "Too Many Requests"
            case 500: "Internal Server Error"
            case 502: "Bad Gateway"
            case 503: "Service Unavailable"
            default: "Status \(status)"
            }
        }
    }

}
