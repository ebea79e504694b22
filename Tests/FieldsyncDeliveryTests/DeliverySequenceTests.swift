@testable import FieldsyncConfig
@testable import FieldsyncDaemon
@testable import FieldsyncDelivery
@testable import FieldsyncIntake
@testable import FieldsyncModel
@testable import FieldsyncProtocol
@testable import FieldsyncRecords
@testable import FieldsyncScoring
@testable import FieldsyncStore
import FieldsyncTesting
import Foundation
import TestSupport
import XCTest

/// SPEC §6–§7 over real libcurl to a loopback server: what gets staged under which
/// sequence, what goes on the wire, and which answers count as delivered.
final class DeliverySequenceTests: XCTestCase {
    func testOnlyScoreChangesStageASequenceAndTheNewestSupersedes() async throws {
        let server = try LoopbackHTTPServer(whenExhausted: .respond(status: 201))
        defer { server.stop() }
        let site = try TestSite.delivering(to: server.url(path: "/api/fieldsync/v1/scores"))

        try site.report(1, name: "first.json")
        XCTAssertEqual(try site.outbox().map(\.sequence), [1], "a change of scores stages sequence 1")
        XCTAssertEqual(try site.outbox(1)?.state, .pending)

        let again = try site.report(1, name: "first-again.json")
        XCTAssertNotNil(again.duplicateOf, "the same bytes again are a duplicate")
        let sameContent = try site.report(1, name: "recount.json", revision: 2, note: "recounted, same number")
        XCTAssertEqual(sameContent.counts.updated, 1, "a real revision was recorded…")
        XCTAssertEqual(try site.outbox().map(\.sequence), [1], "…but scores did not change: nothing staged")

        try site.report(2, name: "second.json", revision: 3)
        XCTAssertEqual(try site.outbox().map(\.sequence), [1, 2])
        XCTAssertEqual(try site.outbox(1)?.state, .superseded, "an undelivered 1 is superseded by 2")
        XCTAssertEqual(try site.outbox(2)?.state, .pending)

        let wait = await site.courier().deliverDue()
        XCTAssertEqual(wait, site.setup.config.push!.interval, "nothing left pending: look again after interval")
        let requests = server.requests
        XCTAssertEqual(requests.count, 1, "only the newest sequence is sent")
        let request = try XCTUnwrap(requests.first)
        XCTAssertEqual(request.method, "POST")
        XCTAssertEqual(request.path, "/api/fieldsync/v1/scores")
        XCTAssertEqual(request.header("Content-Type"), "application/json")
        XCTAssertEqual(request.header("Authorization"), "Bearer \(goodToken)")
        XCTAssertEqual(request.key, "test-office/2026/2")
        XCTAssertEqual(request.body, try site.document(2), "the body is the stored document, byte for byte")
        XCTAssertTrue(request.text.contains(#""sequence":2"#), request.text)

        let rows = try site.outbox()
        XCTAssertEqual(rows.map(\.state), [.superseded, .delivered])
        XCTAssertEqual(rows[0].attempts, 0, "a superseded sequence is never sent")
        XCTAssertEqual(rows[1].lastStatus, 201)
        XCTAssertNotNil(rows[1].deliveredAt)
        XCTAssertNil(rows[1].nextAttemptAt)
    }

    func testNoTokenFileMeansNoAuthorizationHeader() async throws {
        let server = try LoopbackHTTPServer(whenExhausted: .respond(status: 201))
        defer { server.stop() }
        let site = try TestSite.delivering(to: server.url(), token: nil)
        try site.report(1, name: "a.json")
        _ = await site.courier().deliverDue()
        XCTAssertEqual(server.requests.count, 1)
        XCTAssertNil(server.requests.first?.header("Authorization"))
        XCTAssertEqual(try site.outbox(1)?.state, .delivered)
    }

    func testEvery2xxAnd409CountAsDelivered() async throws {
        for status in [200, 201, 202, 204, 299, 409] {
            let server = try LoopbackHTTPServer(script: [.respond(status: status, text: "{}")],
                                                whenExhausted: .respond(status: 500))
            defer { server.stop() }
            let site = try TestSite.delivering(to: server.url())
            try site.report(1, name: "a.json")
            let report = await site.courier().attempt(try site.item(1))
            XCTAssertEqual(report?.verdict, .delivered, "\(status)")
            XCTAssertEqual(report?.status, status)
            XCTAssertNil(report?.error, "\(status)")
            let row = try XCTUnwrap(try site.outbox(1))
            XCTAssertEqual(row.state, .delivered, "\(status)")
            XCTAssertEqual(row.lastStatus, status)
            XCTAssertEqual(row.attempts, 1)
            XCTAssertNotNil(row.deliveredAt, "\(status)")
            // Delivered is final: the loop sends nothing more.
            _ = await site.courier().deliverDue()
            XCTAssertEqual(server.requests.count, 1, "\(status)")
        }
    }

    func testDebounceHoldsDeliveryBack() async throws {
        let server = try LoopbackHTTPServer(whenExhausted: .respond(status: 201))
        defer { server.stop() }
        let site = try TestSite.delivering(to: server.url())
        try site.report(1, name: "a.json", staging: false)
        let courier = site.courier { $0.debounce = .seconds(60) }
        courier.changed()
        let wait = await courier.deliverDue()
        XCTAssertGreaterThan(wait, .seconds(59))
        XCTAssertLessThanOrEqual(wait, .seconds(60))
        XCTAssertEqual(server.requests.count, 0, "nothing is sent within the debounce")
        XCTAssertNil(try site.outbox(1), "nor scored: more files may follow")
        XCTAssertEqual(try site.changedPeriods(), ["2026"])
        // After the debounce: scored once, staged, sent.
        _ = await site.courier { $0.debounce = .zero }.deliverDue()
        XCTAssertEqual(try site.outbox(1)?.state, .delivered)
        XCTAssertEqual(try site.changedPeriods(), [])
        XCTAssertEqual(server.requests.count, 1)
    }
}
