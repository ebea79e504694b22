import Foundation
import Glibc
import Synchronization

/// `--central-load`: the load a province puts on central (#14), generated from one real
/// scores document. Each push is a new sequence (never a replay) of `offices` offices'
/// documents — the document's `office` and `sequence` rewritten, every other byte as
/// `fieldsync scores --format json` wrote it — over `connections` kept-alive HTTP/1.1
/// connections spread over the `targets` (as a load balancer in front of several
/// receivers would), each office with its own bearer token (``CentralLoad/token(_:)``).
///
/// Prints one Markdown table row: pushes, seconds, pushes/s, p50/p99/max latency (from
/// when the push was due — sent, or by `--rate` — to the end of the answer), errors (any answer but 201, or a broken
/// connection). A benchmark, not a test: it never fails on a figure.
struct CentralLoad {
    var document: [UInt8]
    var targets: [(host: String, port: UInt16)]
    var offices = 1000
    var connections = 64
    var pushes = 5000
    var label = "run"
    /// Pushes per second offered (open loop: push i is due at i / rate s, and its
    /// latency counts from then, so a stalled server is not hidden by pushes that
    /// were never sent); nil sends each push as soon as its connection is free.
    var rate: Double?

    /// Office `i`'s id, as the token file names it.
    static func office(_ i: Int) -> String { "office-" + String(format: "%04d", i) }
    /// Office `i`'s bearer token (the token file the bench script writes has the same).
    static func token(_ i: Int) -> String { "load-token-" + String(format: "%04d", i) + "-0123456789abcdef" }

    /// The document cut where the office and the sequence go.
    private struct Template {
        var beforeOffice: [UInt8], betweenOfficeAndSequence: [UInt8], afterSequence: [UInt8], period: String

        init(_ indented: [UInt8]) {
            let bytes = Self.compact(indented)
            func find(_ needle: String, from: Int) -> Range<Int> {
                let n = Array(needle.utf8)
                var i = from
                while i + n.count <= bytes.count {
                    if bytes[i] == n[0], Array(bytes[i ..< i + n.count]) == n { return i ..< i + n.count }
                    i += 1
                }
                die("the document has no \(needle)")
            }
            func valueEnd(_ from: Int) -> Int {
                var i = from
                if bytes[i] == UInt8(ascii: "\"") {
                    i += 1
                    while bytes[i] != UInt8(ascii: "\"") { i += 1 }
                    return i + 1
                }
                while i < bytes.count, (UInt8(ascii: "0") ... UInt8(ascii: "9")).contains(bytes[i]) { i += 1 }
                return i
            }
            func valueStart(_ after: Int) -> Int {
                var i = after
                while bytes[i] == UInt8(ascii: " ") || bytes[i] == UInt8(ascii: ":") { i += 1 }
                return i
            }
            let officeKey = find("\"office\"", from: 0)
            let officeStart = valueStart(officeKey.upperBound), officeEnd = valueEnd(officeStart)
            let periodKey = find("\"period\"", from: officeEnd)
            let periodStart = valueStart(periodKey.upperBound)
            period = String(decoding: bytes[periodStart + 1 ..< valueEnd(periodStart) - 1], as: UTF8.self)
            let sequenceKey = find("\"sequence\"", from: officeEnd)
            let sequenceStart = valueStart(sequenceKey.upperBound), sequenceEnd = valueEnd(sequenceStart)
            beforeOffice = Array(bytes[..<officeStart])
            betweenOfficeAndSequence = Array(bytes[officeEnd ..< sequenceStart])
            afterSequence = Array(bytes[sequenceEnd...])
        }

        /// The JSON without the whitespace between tokens, as a daemon pushes it; every
        /// string and number byte for byte.
        static func compact(_ json: [UInt8]) -> [UInt8] {
            var out: [UInt8] = []
            out.reserveCapacity(json.count)
            var inString = false, escaped = false
            for byte in json {
                if inString {
                    if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                } else if byte == UInt8(ascii: "\"") {
                    inString = true
                } else if byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
                    continue
                }
                out.append(byte)
            }
            return out
        }

        var size: Int { beforeOffice.count + betweenOfficeAndSequence.count + afterSequence.count }

        func body(office: String, sequence: Int) -> [UInt8] {
            beforeOffice + Array("\"\(office)\"".utf8) + betweenOfficeAndSequence + Array(String(sequence).utf8) + afterSequence
        }
    }

    /// What the connections' threads count together.
    private final class Shared: Sendable {
        let next = Atomic<Int>(0)
        let errors = Atomic<Int>(0)
        let firstError = Mutex<String?>(nil)
        let latencies = Mutex<[Double]>([])
    }

    func run() {
        let template = Template(document)
        FileHandle.standardError.write(Data("  \(label): documents of about \(grouped(template.size + 15)) bytes, \(offices) offices, \(connections) connections over \(targets.count) receiver(s)\n".utf8))
        let shared = Shared()
        let start = monotonicSeconds()
        let threads = (0 ..< connections).map { c in
            let target = targets[c % targets.count]
            let thread = Thread {
                var connection: Int32 = -1
                var mine: [Double] = []
                mine.reserveCapacity(pushes / connections + 1)
                while true {
                    let i = shared.next.add(1, ordering: .relaxed).oldValue
                    guard i < pushes else { break }
                    let office = Self.office(i % offices), sequence = i / offices + 1
                    let body = template.body(office: office, sequence: sequence)
                    let head = "POST /api/fieldsync/v1/scores HTTP/1.1\r\nHost: \(target.host):\(target.port)\r\n"
                        + "Content-Type: application/json\r\nAuthorization: Bearer \(Self.token(i % offices))\r\n"
                        + "Idempotency-Key: \(office)/\(template.period)/\(sequence)\r\nContent-Length: \(body.count)\r\n\r\n"
                    if connection < 0 { connection = Self.connect(target) }
                    var t0 = monotonicSeconds()
                    if let rate {
                        let due = start + Double(i) / rate
                        if due > t0 { usleep(useconds_t((due - t0) * 1_000_000)) }
                        t0 = due
                    }
                    let status = connection < 0 ? nil : Self.exchange(connection, Array(head.utf8) + body)
                    mine.append((monotonicSeconds() - t0) * 1000)
                    if status != 201 {
                        shared.errors.add(1, ordering: .relaxed)
                        shared.firstError.withLock { $0 = $0 ?? "push \(office)/\(sequence): \(status.map { "HTTP \($0)" } ?? "connection broken")" }
                        if connection >= 0 { close(connection) }
                        connection = -1
                    }
                }
                if connection >= 0 { close(connection) }
                shared.latencies.withLock { $0 += mine }
            }
            thread.start()
            return thread
        }
        while threads.contains(where: { !$0.isFinished }) { usleep(10_000) }
        let seconds = monotonicSeconds() - start
        let sorted = shared.latencies.withLock { $0 }.sorted()
        func percentile(_ p: Double) -> Double { sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)] }
        print("| \(label) | \(grouped(sorted.count)) | \(fmt(seconds, 1)) s | \(fmt(Double(sorted.count) / seconds, 0)) | "
              + "\(fmt(percentile(0.5), 1)) ms | \(fmt(percentile(0.99), 1)) ms | \(fmt(sorted.last ?? 0, 1)) ms | \(shared.errors.load(ordering: .relaxed)) |")
        if let first = shared.firstError.withLock({ $0 }) { FileHandle.standardError.write(Data("  \(label): first error: \(first)\n".utf8)) }
    }

    private static func connect(_ target: (host: String, port: UInt16)) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return -1 }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = target.port.bigEndian
        address.sin_addr.s_addr = inet_addr(target.host)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { close(fd); return -1 }
        return fd
    }

    /// Sends one request and reads its whole answer; the status, or nil if the
    /// connection broke or the answer was not HTTP.
    private static func exchange(_ fd: Int32, _ request: [UInt8]) -> Int? {
        var sent = 0
        while sent < request.count {
            let n = request.withUnsafeBytes { send(fd, $0.baseAddress! + sent, request.count - sent, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { return nil }
            sent += n
        }
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16384)
        var headEnd: Int?
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            guard n > 0 else { return nil }
            answer += buffer[0 ..< n]
            if headEnd == nil, let end = answer.firstRange(of: Array("\r\n\r\n".utf8))?.upperBound { headEnd = end }
            guard let end = headEnd else { continue }
            let head = String(decoding: answer[..<end], as: UTF8.self)
            let length = head.split(separator: "\r\n")
                .first { $0.lowercased().hasPrefix("content-length:") }
                .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
            guard answer.count >= end + length else { continue }
            let parts = head.split(separator: " ", maxSplits: 2)
            return parts.count >= 2 ? Int(parts[1]) : nil
        }
    }

    /// `--central-load DOCUMENT --targets HOST:PORT[,HOST:PORT…] [--offices N]
    /// [--connections N] [--pushes N] [--rate PUSHES_PER_SECOND] [--label TEXT]`.
    static func main(_ arguments: [String]) -> Never {
        guard arguments.count >= 2, let bytes = FileManager.default.contents(atPath: arguments[1]) else {
            die("usage: --central-load DOCUMENT --targets HOST:PORT[,…] [--offices N] [--connections N] [--pushes N] [--label TEXT]")
        }
        var load = CentralLoad(document: Array(bytes), targets: [])
        var i = 2
        while i + 1 < arguments.count {
            let value = arguments[i + 1]
            switch arguments[i] {
            case "--targets":
                load.targets = value.split(separator: ",").map { target in
                    let parts = target.split(separator: ":")
                    guard parts.count == 2, let port = UInt16(parts[1]) else { die("bad target \(target)") }
                    return (String(parts[0]), port)
                }
            case "--offices": load.offices = Int(value) ?? load.offices
            case "--connections": load.connections = Int(value) ?? load.connections
            case "--pushes": load.pushes = Int(value) ?? load.pushes
            case "--label": load.label = value
            case "--rate": load.rate = Double(value)
            default: die("unknown argument \(arguments[i])")
            }
            i += 2
        }
        guard !load.targets.isEmpty else { die("--targets is required") }
        load.run()
        exit(0)
    }
}
