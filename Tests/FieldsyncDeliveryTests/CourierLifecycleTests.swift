import FieldsyncTesting
import Foundation
import Glibc
import TestSupport
import Testing

/// The courier as a service of the daemon's group: a shutdown or a reload in the middle
/// of a transfer, through the real binary and a real server on loopback that never
/// answers the first request.
@Suite("The courier in the daemon's lifecycle", .serialized)
struct CourierLifecycleTests {
    /// A central that never answers its first request (201 to the later ones), and a
    /// site with one document staged for it. The transfer timeout is far beyond the
    /// test: only an abort ends the hanging request.
    static func hangingCentral() throws -> (LoopbackHTTPServer, TestSite) {
        let server = try LoopbackHTTPServer(script: [.hang], whenExhausted: .respond(status: 201, text: #"{"stored":true}"#))
        let site = try TestSite.delivering(to: server.url(path: "/scores"), timeout: "300s")
        try site.report(2, name: "a.json")
        return (server, site)
    }

    @Test("SIGTERM during a transfer: exit 0 without waiting for central, the document pending under its key")
    func shutdownAbortsTheTransfer() async throws {
        let (server, site) = try Self.hangingCentral()
        defer { server.stop() }
        let document = try site.document(1)

        let daemon = try DaemonProcess(configPath: site.configPath, environment: ["FIELDSYNC_LOG_LEVEL": "debug"])
        defer { daemon.kill() }
        #expect(await server.waitForRequests(1, timeout: .seconds(30)), "\(daemon.stderr)")
        daemon.signal(SIGTERM)
        let exit = daemon.waitForExit(timeout: .seconds(15))
        #expect(exit?.reason == .exit && exit?.status == 0, "\(String(describing: exit)): \(daemon.stderr)")
        // Aborted, not timed out: a transfer that ended any other way would be an attempt.
        let attempts = try site.attemptRows()
        #expect(attempts.isEmpty, "\(attempts)\n\(daemon.stderr)")
        #expect(try site.outbox(1)?.state == .pending)

        let again = try DaemonProcess(configPath: site.configPath)
        defer { again.kill() }
        try again.waitUntilStarted()
        try await waitUntil("delivery after the restart: \(again.stderr)") { try site.outbox(1)?.state == .delivered }
        #expect(server.requests.map(\.key) == [site.key(1), site.key(1)])
        #expect(server.requests.allSatisfy { $0.body == document })
        again.signal(SIGTERM)
        #expect(again.waitForExit(timeout: .seconds(15))?.status == 0)
    }

    @Test("A reload during a transfer: the old courier's transfer is aborted, the new one sends the same key")
    func reloadReplacesTheCourierMidTransfer() async throws {
        let (server, site) = try Self.hangingCentral()
        defer { server.stop() }

        let daemon = try DaemonProcess(configPath: site.configPath)
        defer { daemon.kill() }
        #expect(await server.waitForRequests(1, timeout: .seconds(30)), "\(daemon.stderr)")
        daemon.signal(SIGHUP)
        try await waitUntil("delivery by the new courier: \(daemon.stderr)") { try site.outbox(1)?.state == .delivered }
        #expect(daemon.stderr.contains("configuration reloaded"))
        #expect(server.requests.map(\.key) == [site.key(1), site.key(1)])
        #expect(try site.attemptRows().map(\.status) == [201], "the aborted transfer is not an attempt")
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit(timeout: .seconds(15))?.status == 0, "\(daemon.stderr)")
    }
}
