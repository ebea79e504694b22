@testable import FieldsyncCentral
import FieldsyncProtocol
import FieldsyncTesting
import Foundation
import Glibc
import Hummingbird
import HummingbirdTesting
import Testing

/// Central holds against the pushes of one office, the connections of many and the
/// slowness of some: each limit is a clear answer, and the server keeps answering others.
@Suite("Central's limits", .serialized)
struct CentralLimitsTests {
    static let ningdeToken = "ningde-token-0123456789"
    static let fuanToken = "fuan-token-0123456789"

    /// A receiver on a new database of `engine` that takes a token for Ningde and one for
    /// Fu'an; its log stays quiet (what it would say is what these tests provoke).
    func makeServer(_ engine: CentralEngine, maxUnits: Int = CentralConfiguration.defaultMaxUnits,
                    deadline: Duration = .seconds(10), maxConnections: Int = CentralConfiguration.defaultMaxConnections,
                    maxPeriods: Int = CentralConfiguration.defaultMaxPeriods) async throws -> CentralServer {
        try await engine.makeServer(tokens: [Self.ningdeToken: "ningde-rfb", Self.fuanToken: "fuan-rfb"], maxUnits: maxUnits,
                                    requestDeadline: deadline, maxConnections: maxConnections, maxPeriods: maxPeriods,
                                    logLevel: .critical)
    }

    @Test("A token pushes for its own office only: another's document gets 403 and nothing is stored",
          arguments: CentralEngine.allCases)
    func tokenBoundToOffice(engine: CentralEngine) async throws {
        let server = try await makeServer(engine)
        try await server.makeApplication().test(.router) { client in
            let forged = try await push(client, SampleDocument(office: "fuan-rfb"), token: Self.ningdeToken)
            #expect(forged.status == .forbidden)
            #expect(String(buffer: forged.body).contains("pushes for office ningde-rfb, not for fuan-rfb"))
            let own = try await push(client, SampleDocument(office: "fuan-rfb"), token: Self.fuanToken)
            #expect(own.status == .created)
        }
        #expect(try await server.store.documentCount() == 1)
    }

    @Test("A sequence no office could reach cannot make a document the latest for ever", arguments: CentralEngine.allCases)
    func absurdSequence(engine: CentralEngine) async throws {
        let server = try await makeServer(engine)
        try await server.makeApplication().test(.router) { client in
            let response = try await push(client, SampleDocument(sequence: "9223372036854775807"), token: Self.ningdeToken)
            #expect(response.status == .unprocessableContent)
            #expect(String(buffer: response.body).contains("\"field\":\"sequence\""))
        }
        #expect(try await server.store.documentCount() == 0)
    }

    /// Documents the daemon could never have sent, each refused with the field to blame.
    static let beyondTheTable: [(label: String, document: SampleDocument, field: String)] = [
        ("a period with a zero-width space", SampleDocument(period: "2026\u{200B}"), "period"),
        ("an office with a space", SampleDocument(office: "ningde rfb"), "office"),
        ("a total of 43 digits Decimal would round to 100",
         SampleDocument(overallTotal: "100.0000000000000000000000000000000000000000001"), "overall.total"),
        ("a unit name of 2,001 characters", SampleDocument(unitName: String(repeating: "<", count: 2001)), "units[0].name"),
    ]

    @Test("A total is 0 to 100, read exactly from its text",
          arguments: [("100", true), ("100.0", true), ("100.000000", true), ("1e2", true), ("99.999999", true), ("0", true),
                      ("-0", true), ("-0.0", true), ("100.000001", false), ("1.000001e2", false), ("101", false),
                      ("-0.000001", false), ("1000", false), ("0.01e4", true), ("0.0101e4", false), ("0.01e3", true)])
    func totalRange(total: String, accepted: Bool) throws {
        let document = try JSONParser.parse(Array(SampleDocument(overallTotal: total).json.utf8))
        let passed = (try? ScoresDocumentCheck.check(document)) != nil
        #expect(passed == accepted, "\(total)")
    }

    @Test("A document beyond the table of limits gets 422 naming the field", arguments: CentralEngine.allCases, beyondTheTable)
    func beyondLimits(engine: CentralEngine, beyond: (label: String, document: SampleDocument, field: String)) async throws {
        let server = try await makeServer(engine)
        try await server.makeApplication().test(.router) { client in
            let response = try await push(client, beyond.document, token: Self.ningdeToken)
            #expect(response.status == .unprocessableContent, "\(beyond.label)")
            #expect(String(buffer: response.body).contains("\"field\":\"\(beyond.field)\""), "\(String(buffer: response.body))")
        }
        #expect(try await server.store.documentCount() == 0)
    }

    @Test("An office may have documents for so many periods; another period gets 422", arguments: CentralEngine.allCases)
    func tooManyPeriods(engine: CentralEngine) async throws {
        let server = try await makeServer(engine, maxPeriods: 2)
        try await server.makeApplication().test(.router) { client in
            #expect(try await push(client, SampleDocument(period: "2025"), token: Self.ningdeToken).status == .created)
            #expect(try await push(client, SampleDocument(period: "2026"), token: Self.ningdeToken).status == .created)
            let third = try await push(client, SampleDocument(period: "2027"), token: Self.ningdeToken)
            #expect(third.status == .unprocessableContent)
            #expect(String(buffer: third.body).contains("at most 2 per office"))
            // A known period takes new sequences as before; another office is not affected.
            #expect(try await push(client, SampleDocument(period: "2026", sequence: "8"), token: Self.ningdeToken).status == .created)
            #expect(try await push(client, SampleDocument(office: "fuan-rfb", period: "2027"), token: Self.fuanToken).status == .created)
        }
    }

    @Test("A document with more units than central takes gets 413", arguments: CentralEngine.allCases)
    func tooManyUnits(engine: CentralEngine) async throws {
        let server = try await makeServer(engine, maxUnits: 1)
        try await server.makeApplication().test(.router) { client in
            let response = try await push(client, SampleDocument(), token: Self.ningdeToken)  // two units
            #expect(response.status == .contentTooLarge)
            #expect(String(buffer: response.body).contains("at most 1"))
        }
        #expect(try await server.store.documentCount() == 0)
    }

    @Test("The page is rendered once per document stored — by this receiver or another on the database — not on every request",
          arguments: CentralEngine.allCases)
    func pageIsCached(engine: CentralEngine) async throws {
        let server = try await makeServer(engine)
        try await server.makeApplication().test(.router) { client in
            #expect(try await push(client, SampleDocument(), token: Self.ningdeToken).status == .created)
            let first = String(buffer: try await client.execute(uri: "/", method: .get).body)
            #expect(first.contains("ningde-rfb"))
            _ = try await client.execute(uri: "/", method: .get)
            #expect(server.page.renders.load(ordering: .relaxed) == 1, "a second request is answered from the page rendered")
            // A document another receiver on the same database stored: the page is rendered anew.
            let another = try await engine.open(server.configuration.databasePath)
            let fuan = SampleDocument(office: "fuan-rfb", sequence: "1")
            #expect(try await another.store(IdempotencyKey(office: "fuan-rfb", period: "2026", sequence: 1),
                                            body: Array(fuan.json.utf8)) == .stored(becameLatest: true))
            let again = String(buffer: try await client.execute(uri: "/", method: .get).body)
            #expect(again.contains("fuan-rfb"), "another receiver's document shows")
            #expect(server.page.renders.load(ordering: .relaxed) == 2)
            #expect(try await push(client, SampleDocument(sequence: "8"), token: Self.ningdeToken).status == .created)
            _ = try await client.execute(uri: "/", method: .get)
            #expect(server.page.renders.load(ordering: .relaxed) == 3, "rendered anew after a push")
        }
    }

    @Test("A request dripped a byte at a time is cut off at the deadline; others are answered", arguments: CentralEngine.allCases)
    func slowRequestIsCutOff(engine: CentralEngine) async throws {
        let running = try await RunningServer(makeServer(engine, deadline: .seconds(1)))
        defer { running.stop() }
        let slow = try running.connect()
        defer { close(slow) }
        let head = Array("POST \(CentralServer.scoresPath) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n".utf8)
        // One byte, then wait until the server either closes or has had long enough:
        // the connection must be closed before the head is done.
        let closed = try await offPool {
            for byte in head {
                guard send(slow, [byte], 1, Int32(MSG_NOSIGNAL)) == 1 else { return true }
                if running.waitForClose(slow, milliseconds: 250) { return true }
            }
            return false
        }
        #expect(closed, "a head dripped over \(head.count / 4) s was still being read")
        #expect(try await offPool { try running.get("/healthz") }.hasPrefix("HTTP/1.1 200"))
    }

    @Test("A request answered before its body arrived is still held to the deadline", arguments: CentralEngine.allCases)
    func earlyAnswerIsHeldToDeadline(engine: CentralEngine) async throws {
        let running = try await RunningServer(makeServer(engine, deadline: .seconds(1)))
        defer { running.stop() }
        let fd = try running.connect()
        defer { close(fd) }
        // /healthz reads no body: it answers at once, and the body's byte comes after.
        let answer = try await offPool { running.request(fd, "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\n") }
        #expect(answer.hasPrefix("HTTP/1.1 200"))
        _ = send(fd, "x", 1, Int32(MSG_NOSIGNAL))
        #expect(try await offPool { running.waitForClose(fd, milliseconds: 10_000) }, "the connection was held past the deadline")
    }

    @Test("Connections beyond the limit are closed as they come", arguments: CentralEngine.allCases)
    func connectionLimit(engine: CentralEngine) async throws {
        let running = try await RunningServer(makeServer(engine, deadline: .seconds(30), maxConnections: 2))
        defer { running.stop() }
        let health = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
        let a = try running.connect(), b = try running.connect()
        // Held open, and counted: a request on one is answered.
        #expect(try await offPool { running.request(a, health) }.hasPrefix("HTTP/1.1 200"))
        let c = try running.connect()
        #expect(try await offPool { running.waitForClose(c, milliseconds: 10_000) }, "a third connection was kept")
        close(c)
        close(b)
        #expect(try await offPool { running.request(a, health) }.hasPrefix("HTTP/1.1 200"))
        close(a)
    }
}

/// A central on a real port, for what needs real TCP connections.
final class RunningServer: Sendable {
    let port: Int
    let task: Task<Void, any Error>

    init(_ server: CentralServer) async throws {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        task = Task {
            defer { continuation.finish() }
            try await server.run { continuation.yield($0) }
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw TestSetupError("the server did not start") }
        self.port = port
    }

    func stop() { task.cancel() }

    func connect() throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard fd >= 0, connected == 0 else { throw TestSetupError("cannot connect to 127.0.0.1:\(port)") }
        return fd
    }

    /// Whether the server closed `fd` (end of stream or reset) within `milliseconds`.
    ///
    /// What the server still had in flight (the rest of a response whose head came in
    /// another segment) is read and passed over: only end of stream or an error counts.
    func waitForClose(_ fd: Int32, milliseconds: Int32) -> Bool {
        let until = ContinuousClock.now + .milliseconds(milliseconds)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let left = until - ContinuousClock.now
            guard left > .zero else { return false }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let wait = Int32(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000)
            guard poll(&pfd, 1, max(wait, 1)) > 0 else { return false }
            let read = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            if read == 0 || (read < 0 && errno != EAGAIN && errno != EINTR) { return true }
        }
    }

    /// Sends `text` on `fd` and returns what comes back within 10 s, up to a response's head.
    func request(_ fd: Int32, _ text: String) -> String {
        let bytes = Array(text.utf8)
        _ = send(fd, bytes, bytes.count, Int32(MSG_NOSIGNAL))
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&pfd, 1, 10_000) > 0 else { return "" }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = recv(fd, &buffer, buffer.count, 0)
        return n > 0 ? String(decoding: buffer[0 ..< n], as: UTF8.self) : ""
    }

    /// A GET on a connection of its own.
    func get(_ path: String) throws -> String {
        let fd = try connect()
        defer { close(fd) }
        return request(fd, "GET \(path) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    }
}
