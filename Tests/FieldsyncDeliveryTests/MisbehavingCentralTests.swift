import FieldsyncTesting
import Foundation
import TestSupport
import XCTest

/// A central that answers garbage, hangs or resets: the undelivered sequence is never
/// lost, and intake carries on while the courier's `run()` loop struggles.
final class MisbehavingCentralTests: XCTestCase {
    func testGarbageNeverLosesTheSequenceNorStopsIntake() async throws {
        try await misbehave(.garbage(), expectAttemptError: "curl error")
    }

    func testResetNeverLosesTheSequenceNorStopsIntake() async throws {
        try await misbehave(.reset, expectAttemptError: "(connect)")
    }

    func testHangNeverLosesTheSequenceNorStopsIntake() async throws {
        try await misbehave(.hang, expectAttemptError: nil)
    }

    /// Runs the courier loop against a central behaving as `behaviour` for every
    /// request, drops a second file while it does, then stops the loop and delivers
    /// the newest sequence to a good central.
    private func misbehave(_ behaviour: LoopbackHTTPServer.Behaviour, expectAttemptError: String?,
                           file: StaticString = #filePath, line: UInt = #line) async throws {
        let bad = try LoopbackHTTPServer(whenExhausted: behaviour)
        defer { bad.stop() }
        let site = try TestSite.delivering(to: bad.url())
        // A long timeout: a hung transfer stays in flight for the whole test.
        let courier = site.courier { $0.timeout = .seconds(60) }
        let loop = Task { await courier.run() }
        defer { courier.stop() }

        try site.report(1, name: "first.json")
        courier.changed()
        let sent = await bad.waitForRequests(1, timeout: .seconds(20))
        XCTAssertTrue(sent, "the courier tried central", file: file, line: line)

        if let expectAttemptError {
            // The failure is recorded and the sequence stays pending.
            try await waitUntil("the failed attempt to be recorded") { try !site.attemptRows().isEmpty }
            let row = try XCTUnwrap(try site.outbox(1))
            XCTAssertEqual(row.state, .pending, file: file, line: line)
            let error = try XCTUnwrap(row.lastError)
            XCTAssertTrue(error.contains(expectAttemptError), error, file: file, line: line)
            XCTAssertNil(row.lastStatus, file: file, line: line)
        }

        // Intake while central misbehaves (while the transfer hangs, for .hang).
        let receipt = try site.report(2, name: "second.json", revision: 2)
        XCTAssertEqual(receipt.counts.updated, 1, file: file, line: line)
        if expectAttemptError == nil {
            // Completion order: the file was accepted while the first transfer had not
            // ended (nothing recorded for it yet, and central saw exactly one request).
            XCTAssertEqual(try site.attemptRows().count, 0, "the hung transfer is still in flight", file: file, line: line)
            XCTAssertEqual(bad.requests.count, 1, file: file, line: line)
        }
        XCTAssertTrue(site.exists(site.dir("shouning") + "/receipts/second.json.receipt.json"), file: file, line: line)
        XCTAssertEqual(try site.outbox().map(\.state), [.superseded, .pending],
                       "the newer sequence waits; nothing was lost", file: file, line: line)

        courier.stop()
        await loop.value
        XCTAssertEqual(try site.outbox(2)?.state, .pending, "stopping mid-transfer keeps it pending", file: file, line: line)
        XCTAssertTrue(bad.requests.allSatisfy { $0.key == "test-office/2026/1" || $0.key == "test-office/2026/2" },
                      file: file, line: line)

        // Central recovers: the newest sequence, and only it, is delivered.
        let good = try LoopbackHTTPServer(whenExhausted: .respond(status: 201))
        defer { good.stop() }
        let recovered = site.courier { $0.url = good.url() }
        let reports = try await recovered.pushNow()
        XCTAssertEqual(reports.map(\.key), ["test-office/2026/2"], file: file, line: line)
        XCTAssertEqual(reports.map(\.verdict), [.delivered], file: file, line: line)
        XCTAssertEqual(good.requests.first?.body, try site.document(2), file: file, line: line)
        XCTAssertEqual(try site.outbox().map(\.state), [.superseded, .delivered], file: file, line: line)
    }

    /// The courier's `run()` loop, told of a change, delivers without anyone calling
    /// `deliverDue` — and `stop()` ends it.
    func testRunLoopDeliversAfterAChangeAndStops() async throws {
        let server = try LoopbackHTTPServer(whenExhausted: .respond(status: 201))
        defer { server.stop() }
        let site = try TestSite.delivering(to: server.url())
        let courier = site.courier { $0.interval = .seconds(3600) }
        let loop = Task { await courier.run() }
        defer { courier.stop() }
        try site.report(2, name: "a.json")
        courier.changed()
        try await waitUntil("sequence 1 to be delivered") { try site.outbox(1)?.state == .delivered }
        XCTAssertEqual(server.requests.map(\.key), ["test-office/2026/1"])
        courier.stop()
        await loop.value
    }
}
