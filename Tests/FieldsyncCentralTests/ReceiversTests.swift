import Curl
import FieldsyncCentral
import FieldsyncTesting
import Foundation
import Testing
import TestSupport

/// Several receivers, one truth: two `fieldsync-central` processes on one PostgreSQL
/// database keep the idempotency contract between them — the database does, not memory.
@Suite("Two receivers on one PostgreSQL database", .serialized)
struct ReceiversTests {
    /// POSTs a document with curl; the status and whether it was marked a replay.
    static func push(_ port: Int, _ body: String, key: String) throws -> (status: Int, replay: Bool) {
        let file = NSTemporaryDirectory() + "push-\(UUID().uuidString).json"
        try Data(body.utf8).write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let run = try runProgram(["curl", "-s", "-o", "/dev/null", "-D", "-", "--max-time", "10", "-X", "POST",
                                  "-H", "Content-Type: application/json", "-H", "Idempotency-Key: \(key)",
                                  "--data-binary", "@" + file, "http://127.0.0.1:\(port)/api/fieldsync/v1/scores"])
        let head = run.output.lowercased()
        let status = head.split(separator: "\r\n").first.flatMap { $0.split(separator: " ").dropFirst().first }.flatMap { Int($0) } ?? 0
        return (status, head.contains("idempotent-replayed: true"))
    }

    @Test("The same key pushed at once to both is stored once, both answer 2xx, one as a replay; other bytes are 409 wherever they land")
    func oneTruth() async throws {
        let database = try PostgresServer.shared().makeDatabase()
        let (a, portA, _) = try startReceiver(["--database", database]), (b, portB, _) = try startReceiver(["--database", database])
        defer { a.terminate(); b.terminate(); a.waitUntilExit(); b.waitUntilExit() }
        for sequence in 1 ... 12 {
            let document = SampleDocument(sequence: "\(sequence)")
            let key = "ningde-rfb/2026/\(sequence)"
            async let first = Task.detached { try Self.push(portA, document.json, key: key) }.value
            async let second = Task.detached { try Self.push(portB, document.json, key: key) }.value
            let answers = try await [first, second]
            #expect(answers.map(\.status) == [201, 201], "sequence \(sequence): \(answers)")
            #expect(answers.filter(\.replay).count == 1, "exactly one is the replay: \(answers)")
            // The same key with other bytes, at either receiver: 409.
            #expect(try Self.push(sequence % 2 == 0 ? portA : portB, document.json + " ", key: key).status == 409)
        }
        let stored = try PostgresServer.shared().psql(database, "SELECT count(*), count(DISTINCT idempotency_key) FROM document")
        #expect(stored.trimmingCharacters(in: .whitespacesAndNewlines) == "12|12")
    }

    @Test("A database URL that does not work is one sentence and exit status 2")
    func wrongURL() throws {
        let run = try runProgram([productsDirectory() + "/fieldsync-central",
                                  "--port", "0", "--database", "postgres://fieldsync@/no_such_db?host=\(try PostgresServer.shared().directory)"])
        #expect(run.status == 2)
        #expect(run.errors.contains("cannot open the database postgres://fieldsync@") && run.errors.contains("no_such_db"), "\(run.errors)")
        let bad = try runProgram([productsDirectory() + "/fieldsync-central", "--database", "postgres://x@h/db?sslmode=maybe"])
        #expect(bad.status == 2 && bad.errors.contains("sslmode must be"), "\(bad.errors)")
    }
}

/// A database that goes away mid-service: pushes are answered 503 with `Retry-After`
/// (the daemons retry), never 2xx for what was not committed; `/healthz` says so; and
/// central reconnects by itself when the database is back.
@Suite("PostgreSQL going away")
struct DatabaseOutageTests {
    @Test("503 with Retry-After while it is down, /healthz 503, and stored again once it is back")
    func outage() async throws {
        let cluster = try PostgresServer.dedicated()
        let url = try cluster.makeDatabase()
        let (process, port, _) = try startReceiver(["--database", url])
        defer { process.terminate(); process.waitUntilExit() }
        #expect(try ReceiversTests.push(port, SampleDocument(sequence: "1").json, key: "ningde-rfb/2026/1").status == 201)

        try cluster.stop()
        let down = try runProgram(["curl", "-s", "-D", "-", "-o", "/dev/null", "--max-time", "40", "-X", "POST",
                                   "-H", "Content-Type: application/json", "-H", "Idempotency-Key: ningde-rfb/2026/2",
                                   "--data-binary", SampleDocument(sequence: "2").json,
                                   "http://127.0.0.1:\(port)/api/fieldsync/v1/scores"]).output.lowercased()
        #expect(down.hasPrefix("http/1.1 503"), "\(down)")
        #expect(down.contains("retry-after: 5"), "\(down)")
        let health = try runProgram(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "40",
                                     "http://127.0.0.1:\(port)/healthz"]).output
        #expect(health == "503")

        try cluster.start()
        // As a daemon would: retry until stored (the pool reconnects with its own backoff).
        var status = 0
        for _ in 0 ..< 60 where status != 201 {
            status = try ReceiversTests.push(port, SampleDocument(sequence: "2").json, key: "ningde-rfb/2026/2").status
            if status != 201 { try await Task.sleep(for: .milliseconds(250)) }
        }
        #expect(status == 201)
        #expect(try cluster.psql(url, "SELECT count(*) FROM document").trimmingCharacters(in: .whitespacesAndNewlines) == "2")
    }
}

/// HTTPS without a proxy: the daemon's libcurl client pushes to central's own TLS with
/// the office's `ca_file`, and refuses it without.
@Suite("Central over TLS")
struct CentralTLSTests {
    @Test("The daemon's libcurl pushes to central's HTTPS with ca_file; without it the certificate is refused")
    func https() async throws {
        let directory = URL(fileURLWithPath: NSTemporaryDirectory() + "central-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let (ca, certificate, key) = try TLSTestServer.serverCertificate(in: directory)
        let (process, port, said) = try startReceiver(["--database", directory.path + "/central.sqlite",
                                                       "--tls-cert", certificate, "--tls-key", key])
        defer { process.terminate(); process.waitUntilExit() }
        #expect(said.hasPrefix("listening on https://"), "\(said)")

        let document = SampleDocument(sequence: "1")
        func push(caFile: String?) async throws(CurlError) -> HTTPResponse {
            try await CurlClient.perform(HTTPRequest(
                url: "https://127.0.0.1:\(port)/api/fieldsync/v1/scores", method: "POST",
                headers: [("Content-Type", "application/json"), ("Idempotency-Key", document.key)],
                body: Array(document.json.utf8), connectTimeout: .seconds(5), totalTimeout: .seconds(10), caFile: caFile))
        }
        #expect(try await push(caFile: ca).status == 201)
        await #expect(throws: CurlError.self) { try await push(caFile: nil) }
    }

    @Test("A certificate without its key, or a file that is not one, is one sentence and exit status 2")
    func badCertificate() throws {
        let run = try runProgram([productsDirectory() + "/fieldsync-central", "--database", "/tmp/x.sqlite",
                                  "--tls-cert", "/nonexistent.pem", "--tls-key", "/nonexistent.key"])
        #expect(run.status == 2)
        #expect(run.errors.contains("cannot read the TLS certificate /nonexistent.pem"), "\(run.errors)")
        let half = try runProgram([productsDirectory() + "/fieldsync-central", "--database", "/tmp/x.sqlite", "--tls-cert", "/a.pem"])
        #expect(half.status == 2 && half.errors.contains("go together"), "\(half.errors)")
    }
}

/// A `fieldsync-central` process on port 0 with `arguments`; the port it chose and the
/// line it printed when it listened.
func startReceiver(_ arguments: [String]) throws -> (Process, Int, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: productsDirectory() + "/fieldsync-central")
    process.arguments = ["--port", "0", "--log-level", "error"] + arguments
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    try process.run()
    var line = Data()
    while !line.contains(0x0A) {
        let chunk = out.fileHandleForReading.availableData
        if chunk.isEmpty { throw TestSetupError("receiver exited before listening") }
        line.append(chunk)
    }
    let said = String(decoding: line, as: UTF8.self)
    guard let port = said.split(separator: ":").last.flatMap({ Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
    else { throw TestSetupError("no port in \(said)") }
    return (process, port, said)
}
