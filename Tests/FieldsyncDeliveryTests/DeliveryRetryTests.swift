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

/// SPEC §7 failures over real libcurl: 5xx bursts, resets, timeouts, 429 with
/// `Retry-After`, and 401 (dead until a reload or `fieldsync push`).
final class DeliveryRetryTests: XCTestCase {
    func test503BurstIsRetriedWithBackoffUnderTheSameKey() async throws {
        let server = try LoopbackHTTPServer(
            script: Array(repeating: .respond(status: 503, text: "busy"), count: 3),
            whenExhausted: .respond(status: 201))
        defer { server.stop() }
        let site = try TestSite.delivering(to: server.url())
        try site.report(2, name: "a.json")
        let courier = site.courier()

        for failure in 1...3 {
            let report = await courier.attempt(try site.item(1))
            XCTAssertEqual(report?.verdict, .retry(after: nil), "try \(failure)")
            XCTAssertEqual(report?.status, 503)
            let row = try XCTUnwrap(try site.outbox(1))
            XCTAssertEqual(row.state, .pending, "try \(failure)")
            XCTAssertEqual(row.attempts, failure)
            XCTAssertEqual(row.lastStatus, 503)
            XCTAssertEqual(row.lastError, "HTTP 503: busy")
            let attempt = try XCTUnwrap(try site.attemptRows().last)
            let next = try XCTUnwrap(row.nextAttemptAt)
            XCTAssertEqual(attempt.nextAttemptAt, next)
            // Full jitter between 1 s and 2^(failures-1) s.
            let wait = next - attempt.at
            XCTAssertGreaterThanOrEqual(wait, 1_000_000, "try \(failure)")
            XCTAssertLessThanOrEqual(wait, Int64(1 << (failure - 1)) * 1_000_000, "try \(failure)")

            // The loop does not try again before next_attempt_at.
            let looked = await courier.deliverDue()
            XCTAssertEqual(server.requests.count, failure, "no early retry after try \(failure)")
            XCTAssertLessThanOrEqual(looked, .microseconds(wait))
        }

        let report = await courier.attempt(try site.item(1))
        XCTAssertEqual(report?.verdict, .delivered)
        XCTAssertEqual(try site.outbox(1)?.state, .delivered)
        let requests = server.requests
        XCTAssertEqual(requests.count, 4)
        XCTAssertEqual(Set(requests.compactMap(\.key)), ["test-office/2026/1"], "the same key every time")
        let document = try site.document(1)
        XCTAssertTrue(requests.allSatisfy { $0.body == document }, "the same bytes every time")
        XCTAssertEqual(try site.attemptRows().map(\.status), [503, 503, 503, 201])
    }

    func testResetAndSlowAnswerAreCurlFailuresThatStayPending() async throws {
        let server = try LoopbackHTTPServer(
            script: [.reset, .delay(.seconds(30), then: .respond(status: 201))],
            whenExhausted: .respond(status: 201))
        defer { server.stop() }
        let site = try TestSite.delivering(to: server.url())
        try site.report(2, name: "a.json")
        let courier = site.courier { $0.timeout = .milliseconds(500) }

        let reset = await courier.attempt(try site.item(1))
        XCTAssertEqual(reset?.verdict, .retry(after: nil))
        XCTAssertNil(reset?.status)
        let resetError = try XCTUnwrap(reset?.error)
        XCTAssertTrue(resetError.hasPrefix("curl error ") && resetError.contains("(connect)"), resetError)
        var row = try XCTUnwrap(try site.outbox(1))
        XCTAssertEqual(row.state, .pending)
        XCTAssertNil(row.lastStatus)
        XCTAssertEqual(row.lastError, resetError)
        XCTAssertNotNil(row.nextAttemptAt)

        let slow = await courier.attempt(try site.item(1))
        XCTAssertEqual(slow?.verdict, .retry(after: nil))
        let slowError = try XCTUnwrap(slow?.error)
        XCTAssertTrue(slowError.contains("curl error 28 (timeout)"), slowError)
        row = try XCTUnwrap(try site.outbox(1))
        XCTAssertEqual(row.state, .pending)
        XCTAssertEqual(row.attempts, 2)
        XCTAssertEqual(row.lastError, slowError)

        let attempts = try site.attemptRows()
        XCTAssertEqual(attempts.map(\.error), [resetError, slowError], "each failure is recorded with its curl error")
        XCTAssertEqual(attempts.map(\.status), [nil, nil])

        let later = await courier.attempt(try site.item(1))
        XCTAssertEqual(later?.verdict, .delivered)
        XCTAssertEqual(try site.outbox(1)?.state, .delivered)
        XCTAssertEqual(server.requests.map(\.key), Array(repeating: "test-office/2026/1", count: 3))
    }

    func test429RetryAfterSecondsIsHonoured() async throws {
        let server = try LoopbackHTTPServer(script: [.respond(status: 429, headers: [("Retry-After", "7")])],
                                            whenExhausted: .respond(status: 201))
        defer { server.stop() }
        let site = try TestSite.delivering(to: server.url())
        try site.report(2, name: "a.json")
        let courier = site.courier()

        let report = await courier.attempt(try site.item(1))
        XCTAssertEqual(report?.verdict, .retry(after: .seconds(7)))
        let attempt = try XCTUnwrap(try site.attemptRows().first)
        let next = try XCTUnwrap(attempt.nextAttemptAt)
        XCTAssertEqual(next - attempt.at, 7_000_000, "Retry-After: 7 beats a 1 s backoff")
        XCTAssertEqual(try site.outbox(1)?.nextAttemptAt, next)

        let wait = await courier.deliverDue()
        XCTAssertEqual(server.requests.count, 1, "not before Retry-After")
        XCTAssertGreaterThan(wait, .seconds(5))
        XCTAssertLessThanOrEqual(wait, .seconds(7))
    }

    func test429RetryAfterHTTPDateIsHonoured() async throws {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let when = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + 120).rounded(.down))
        let server = try LoopbackHTTPServer(
            script: [.respond(status: 429, headers: [("Retry-After", formatter.string(from: when))])],
            whenExhausted: .respond(status: 201))
        defer { server.stop() }
        let site = try TestSite.delivering(to: server.url())
        try site.report(2, name: "a.json")
        let courier = site.courier()

        let report = await courier.attempt(try site.item(1))
        guard case .retry(let after)? = report?.verdict, let after else {
            return XCTFail("expected a retry with Retry-After, got \(String(describing: report?.verdict))")
        }
        XCTAssertGreaterThan(after, .seconds(115))
        let next = try XCTUnwrap(try site.outbox(1)?.nextAttemptAt)
        XCTAssertGreaterThanOrEqual(next, Timestamp(when).microseconds - 1_000_000,
                                    "the next attempt is not before the date (to the second)")
        XCTAssertLessThanOrEqual(next, Timestamp(when).microseconds + 1_000_000)
        _ = await courier.deliverDue()
        XCTAssertEqual(server.requests.count, 1, "not before Retry-After")
    }

    func test401IsDeadUntilPushNowWithAGoodToken() async throws {
        let server = try LoopbackHTTPServer(
            script: [.respond(status: 401, headers: [("WWW-Authenticate", "Bearer")], text: "bad token")],
            whenExhausted: .respond(status: 201))
        defer { server.stop() }
        let site = try TestSite.delivering(to: server.url(), token: "tok-wrong")
        try site.report(2, name: "a.json")
        let courier = site.courier()

        _ = await courier.deliverDue()
        XCTAssertEqual(server.requests.first?.header("Authorization"), "Bearer tok-wrong")
        var row = try XCTUnwrap(try site.outbox(1))
        XCTAssertEqual(row.state, .dead)
        XCTAssertEqual(row.lastStatus, 401)
        XCTAssertEqual(row.lastError, "HTTP 401: bad token")
        XCTAssertNil(row.nextAttemptAt)

        // Dead stays dead for the loop.
        _ = await courier.deliverDue()
        XCTAssertEqual(server.requests.count, 1, "a dead document is not retried by the loop")

        try site.writeToken(goodToken)
        let reports = try await courier.pushNow()
        XCTAssertEqual(reports.map(\.verdict), [.delivered])
        XCTAssertEqual(reports.map(\.key), ["test-office/2026/1"])
        XCTAssertEqual(server.requests.count, 2)
        XCTAssertEqual(server.requests.last?.header("Authorization"), "Bearer \(goodToken)")
        XCTAssertEqual(server.requests.last?.key, "test-office/2026/1", "revived under the same key")
        row = try XCTUnwrap(try site.outbox(1))
        XCTAssertEqual(row.state, .delivered)
        XCTAssertEqual(row.attempts, 2)
    }

    func testUnreadableTokenFileIsAFailureNotASend() async throws {
        let server = try LoopbackHTTPServer(whenExhausted: .respond(status: 201))
        defer { server.stop() }
        let site = try TestSite.delivering(to: server.url())
        try FileManager.default.removeItem(atPath: site.tokenPath)
        try site.report(2, name: "a.json")
        let report = await site.courier().attempt(try site.item(1))
        XCTAssertEqual(report?.verdict, .retry(after: nil))
        XCTAssertTrue(report?.error?.contains("cannot read token_file") ?? false, "\(String(describing: report))")
        XCTAssertEqual(server.requests.count, 0, "nothing goes out without the configured token")
        XCTAssertEqual(try site.outbox(1)?.state, .pending)
    }
}
