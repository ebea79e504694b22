@testable import FieldsyncDelivery
import FieldsyncTesting
import Foundation
import XCTest

/// The answer table of SPEC §7, backoff bounds with an injected random, and
/// `Retry-After` in both of its forms.
final class RetryPolicyTests: XCTestCase {
    func testVerdictTable() {
        for status in [200, 201, 202, 204, 299, 409] {
            XCTAssertEqual(RetryPolicy.verdict(status: status, retryAfter: nil), .delivered, "\(status)")
        }
        for status in [408, 429, 500, 502, 503, 504, 599] {
            XCTAssertEqual(RetryPolicy.verdict(status: status, retryAfter: nil), .retry(after: nil), "\(status)")
        }
        for status in [100, 301, 302, 304, 400, 401, 403, 404, 405, 410, 413, 415, 422, 451] {
            XCTAssertEqual(RetryPolicy.verdict(status: status, retryAfter: nil), .dead, "\(status)")
        }
        XCTAssertEqual(RetryPolicy.verdict(status: 503, retryAfter: "30"), .retry(after: .seconds(30)))
        XCTAssertEqual(RetryPolicy.verdict(status: 408, retryAfter: "nonsense"), .retry(after: nil))
        XCTAssertEqual(RetryPolicy.verdict(status: 401, retryAfter: "30"), .dead, "Retry-After does not revive a 4xx")
    }

    /// The range handed to `random` is [1 s, min(2^(failures−1) s, max_backoff, interval)].
    func testJitterBoundsGrowExponentiallyUpToTheCaps() {
        let policy = RetryPolicy(maxBackoff: .seconds(60), interval: .seconds(3600))
        var ranges: [ClosedRange<Double>] = []
        for failures in [0, 1, 2, 3, 4, 6, 7, 20, 200] {
            _ = policy.delay(failures: failures) { range in ranges.append(range); return range.lowerBound }
        }
        XCTAssertEqual(ranges, [1...1, 1...1, 1...2, 1...4, 1...8, 1...32, 1...60, 1...60, 1...60])

        let lowest = policy.delay(failures: 5) { $0.lowerBound }
        let highest = policy.delay(failures: 5) { $0.upperBound }
        XCTAssertEqual(lowest, .seconds(1), "never sooner than 1 s")
        XCTAssertEqual(highest, .seconds(16))

        let shortInterval = RetryPolicy(maxBackoff: .seconds(1800), interval: .seconds(10))
        XCTAssertEqual(shortInterval.delay(failures: 30) { $0.upperBound }, .seconds(10), "never longer than interval")
        let tinyCap = RetryPolicy(maxBackoff: .seconds(1), interval: .seconds(3600))
        XCTAssertEqual(tinyCap.delay(failures: 30) { $0.upperBound }, .seconds(1))
    }

    func testRetryAfterWinsOnlyWhenLonger() {
        let policy = RetryPolicy(maxBackoff: .seconds(60), interval: .seconds(3600))
        XCTAssertEqual(policy.delay(failures: 1, retryAfter: .seconds(7)) { $0.upperBound }, .seconds(7))
        XCTAssertEqual(policy.delay(failures: 7, retryAfter: .seconds(7)) { $0.upperBound }, .seconds(60))
        XCTAssertEqual(policy.delay(failures: 7, retryAfter: .seconds(7)) { $0.lowerBound }, .seconds(7))
        XCTAssertEqual(policy.delay(failures: 1, retryAfter: .seconds(7200)) { $0.upperBound }, .seconds(60),
                       "a server's wish is capped by max_backoff: whatever it says, the daemon tries again")
        XCTAssertEqual(policy.delay(failures: 1, retryAfter: RetryPolicy.parseRetryAfter("99999999999999")) { $0.upperBound },
                       .seconds(60), "an absurd Retry-After is capped, not trapped on")
        XCTAssertEqual(policy.delay(failures: Int.max, retryAfter: nil) { $0.upperBound }, .seconds(60))
        XCTAssertEqual(policy.delay(failures: 1, retryAfter: .zero) { $0.upperBound }, .seconds(1))
    }

    func testParseRetryAfterSeconds() {
        XCTAssertEqual(RetryPolicy.parseRetryAfter("7"), .seconds(7))
        XCTAssertEqual(RetryPolicy.parseRetryAfter(" 120 "), .seconds(120))
        XCTAssertEqual(RetryPolicy.parseRetryAfter("0"), .zero)
        XCTAssertNil(RetryPolicy.parseRetryAfter("-5"))
        XCTAssertNil(RetryPolicy.parseRetryAfter("1.5"))
        XCTAssertNil(RetryPolicy.parseRetryAfter(""))
        XCTAssertNil(RetryPolicy.parseRetryAfter("soon"))
    }

    func testParseRetryAfterHTTPDates() {
        // 2026-10-21T07:27:00Z
        let now = Date(timeIntervalSince1970: 1_792_567_620)
        XCTAssertEqual(RetryPolicy.parseRetryAfter("Wed, 21 Oct 2026 07:28:00 GMT", now: now), .seconds(60),
                       "IMF-fixdate")
        XCTAssertEqual(RetryPolicy.parseRetryAfter("Wednesday, 21-Oct-26 07:28:00 GMT", now: now), .seconds(60),
                       "obsolete RFC 850 form")
        XCTAssertEqual(RetryPolicy.parseRetryAfter("Wed Oct 21 07:28:00 2026", now: now), .seconds(60),
                       "obsolete asctime form")
        XCTAssertEqual(RetryPolicy.parseRetryAfter("Wed, 21 Oct 2026 07:26:00 GMT", now: now), .zero,
                       "a date in the past means now")
        XCTAssertNil(RetryPolicy.parseRetryAfter("21 Oct 2026", now: now))
    }
}
