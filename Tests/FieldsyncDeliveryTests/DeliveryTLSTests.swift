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

/// `ca_file` pins central's CA: the right CA delivers, a wrong one is a TLS failure that
/// keeps the document pending.
final class DeliveryTLSTests: XCTestCase {
    func testPinnedCADeliversAndAWrongCAStaysPending() async throws {
        let server = try TLSTestServer()
        defer { server.stop() }
        let site = try TestSite.delivering(to: server.url(path: "/api/fieldsync/v1/scores"),
                                           extra: "ca_file = \"\(server.otherCAFile)\"\n")
        XCTAssertEqual(site.setup.config.push?.caFile, server.otherCAFile)
        try site.report(2, name: "a.json")

        let wrong = await site.courier().attempt(try site.item(1))
        XCTAssertEqual(wrong?.verdict, .retry(after: nil))
        XCTAssertNil(wrong?.status)
        let error = try XCTUnwrap(wrong?.error)
        XCTAssertTrue(error.contains("(tls)"), error)
        var row = try XCTUnwrap(try site.outbox(1))
        XCTAssertEqual(row.state, .pending)
        XCTAssertEqual(row.lastError, error)
        XCTAssertNotNil(row.nextAttemptAt)
        XCTAssertEqual(try site.attemptRows().map(\.error), [error])

        let right = await site.courier { $0.caFile = server.caFile }.attempt(try site.item(1))
        XCTAssertEqual(right?.verdict, .delivered, "\(String(describing: right))")
        XCTAssertEqual(right?.status, 200)
        row = try XCTUnwrap(try site.outbox(1))
        XCTAssertEqual(row.state, .delivered)
        XCTAssertEqual(row.attempts, 2)
    }

    func testSystemStoreDoesNotTrustAPrivateCentral() async throws {
        let server = try TLSTestServer()
        defer { server.stop() }
        let site = try TestSite.delivering(to: server.url())
        try site.report(2, name: "a.json")
        let report = await site.courier().attempt(try site.item(1))
        XCTAssertTrue(report?.error?.contains("(tls)") ?? false, "\(String(describing: report))")
        XCTAssertEqual(try site.outbox(1)?.state, .pending)
    }
}
