@testable import FieldsyncDelivery
import FieldsyncProtocol
import FieldsyncTesting
import Foundation
import GRDB
import TestSupport
import Testing

/// What a central — or anything on the way to it — answers is hostile too: however
/// long it asks the daemon to wait, the daemon tries again within its own bounds.
@Suite("A lying central")
struct LyingCentralTests {
    @Test("An absurd Retry-After is capped by max_backoff, not trapped on",
          arguments: ["99999999999999", "99999999999999999999999999", "Fri, 31 Dec 9999 23:59:59 GMT"])
    func absurdRetryAfter(value: String) async throws {
        let server = try LoopbackHTTPServer(whenExhausted: .respond(status: 429, headers: [("Retry-After", value)], text: "slow down"))
        defer { server.stop() }
        let site = try TestSite.delivering(to: server.url())
        try site.report(1, name: "first.json")
        let courier = site.courier { $0.maxBackoff = .seconds(120) }
        _ = await courier.deliverDue()
        let row = try #require(try site.outbox(1))
        #expect(row.state == .pending && row.lastStatus == 429)
        // The wait the courier chose, from the attempt's own record: at most max_backoff.
        let attempt = try #require(try site.store.writer.read { db in
            try Row.fetchOne(db, sql: "SELECT at, next_attempt_at FROM attempt ORDER BY id DESC LIMIT 1")
        })
        let at: Int64 = attempt[0]
        let wait = try #require(attempt[1] as Int64?) - at
        #expect(wait > 0 && wait <= 120_000_000, "tried again within max_backoff, not after \(wait) µs")
    }
}
