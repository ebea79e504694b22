import FieldsyncTesting
import Foundation
import Glibc
import TestSupport
import XCTest

/// Delivery through the real binaries: `fieldsync run` killed with -9 mid-retry and
/// restarted, revived by SIGHUP after a 401, and `fieldsync push`.
final class DaemonDeliveryTests: XCTestCase {
    /// SIGTERM, and a bounded wait for exit status 0.
    private func terminate(_ daemon: DaemonProcess, file: StaticString = #filePath, line: UInt = #line) async throws {
        daemon.signal(SIGTERM)
        let exit = daemon.waitForExit(timeout: .seconds(15))
        XCTAssertEqual(exit?.reason, .exit, daemon.stderr, file: file, line: line)
        XCTAssertEqual(exit?.status, 0, daemon.stderr, file: file, line: line)
    }

    func testKill9WhileRetryingThenRestartSendsTheSameKeyAndBytes() async throws {
        let server = try LoopbackHTTPServer(whenExhausted: .respond(status: 503, text: "busy"))
        defer { server.stop() }
        let site = try TestSite.delivering(to: server.url(path: "/scores"))
        // Staged before the daemon starts, so the start-up restage has nothing to add.
        try site.report(2, name: "a.json")
        let key = site.key(1)
        let document = try site.document(1)

        let first = try DaemonProcess(configPath: site.configPath)
        defer { first.kill() }
        let reached = await server.waitForRequests(1, timeout: .seconds(30))
        XCTAssertTrue(reached, "the daemon pushed: \(first.stderr)")
        try await waitUntil("the 503 to be recorded: \(first.stderr)") {
            try site.attemptRows().contains { $0.sequence == 1 && $0.status == 503 }
        }
        XCTAssertEqual(server.requests.first?.key, key)

        first.kill()
        let killed = first.waitForExit(timeout: .seconds(10))
        XCTAssertEqual(killed?.reason, .uncaughtSignal)
        XCTAssertEqual(killed?.status, SIGKILL)
        XCTAssertEqual(try site.outbox(1)?.state, .pending, "killed mid-retry: still pending")
        let seenBeforeRestart = server.requests.count

        server.append(.respond(status: 201, text: #"{"stored":true}"#))
        let second = try DaemonProcess(configPath: site.configPath)
        defer { second.kill() }
        try await waitUntil("delivery after the restart: \(second.stderr)", timeout: .seconds(40)) {
            try site.outbox(1)?.state == .delivered
        }
        let requests = server.requests
        XCTAssertGreaterThan(requests.count, seenBeforeRestart, "the restarted daemon pushed again")
        XCTAssertEqual(requests.last?.key, key, "the same key after the restart")
        XCTAssertEqual(requests.last?.body, document, "the same bytes after the restart")
        XCTAssertTrue(requests.allSatisfy { $0.key == key && $0.body == document })
        XCTAssertEqual(try site.outbox().map(\.state), [.delivered], "no new sequence was made up on restart")
        XCTAssertEqual(try site.attemptRows().last?.status, 201)
        XCTAssertTrue(second.stderr.contains("delivered"), second.stderr)
        try await terminate(second)
    }

    func testReloadRevivesADeadDocument() async throws {
        let server = try LoopbackHTTPServer(script: [.respond(status: 401, text: "unknown token")],
                                            whenExhausted: .respond(status: 201))
        defer { server.stop() }
        let site = try TestSite.delivering(to: server.url(), token: "tok-wrong")
        try site.report(2, name: "a.json")

        let daemon = try DaemonProcess(configPath: site.configPath)
        defer { daemon.kill() }
        try await waitUntil("the 401 to make it dead: \(daemon.stderr)") { try site.outbox(1)?.state == .dead }
        XCTAssertEqual(server.requests.count, 1)

        try site.writeToken(goodToken)
        daemon.signal(SIGHUP)
        try await waitUntil("the reload: \(daemon.stderr)") { daemon.stderr.contains("configuration reloaded") }
        try await waitUntil("delivery after SIGHUP: \(daemon.stderr)") { try site.outbox(1)?.state == .delivered }
        XCTAssertEqual(server.requests.count, 2)
        XCTAssertEqual(server.requests.last?.header("Authorization"), "Bearer \(goodToken)")
        XCTAssertEqual(server.requests.last?.key, site.key(1))
        try await terminate(daemon)
    }

    func testPushCommandRevivesDeadAndReportsEachAnswer() throws {
        let server = try LoopbackHTTPServer(script: [.respond(status: 403, text: "no")],
                                            whenExhausted: .respond(status: 201))
        defer { server.stop() }
        let site = try TestSite.delivering(to: server.url(), token: "tok-wrong")
        try site.report(2, name: "a.json")

        let refused = try runFieldsync(["push", "--config", site.configPath])
        XCTAssertEqual(refused.status, 1, refused.output)
        XCTAssertTrue(refused.output.contains("refused 被拒绝  test-office/2026/1: HTTP 403: no"), refused.output)
        XCTAssertEqual(try site.outbox(1)?.state, .dead)

        try site.writeToken(goodToken)
        let delivered = try runFieldsync(["push", "--config", site.configPath])
        XCTAssertEqual(delivered.status, 0, delivered.output)
        XCTAssertTrue(delivered.output.contains("delivered 已送达  test-office/2026/1: HTTP 201"), delivered.output)
        XCTAssertEqual(try site.outbox(1)?.state, .delivered)
        XCTAssertEqual(server.requests.map(\.key), [site.key(1), site.key(1)])

        let nothing = try runFieldsync(["push", "--config", site.configPath])
        XCTAssertEqual(nothing.status, 0)
        XCTAssertTrue(nothing.output.contains("nothing pending"), nothing.output)
        XCTAssertEqual(server.requests.count, 2)
    }
}
