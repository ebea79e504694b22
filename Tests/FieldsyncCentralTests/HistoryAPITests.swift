@testable import FieldsyncCentral
import FieldsyncProtocol
import FieldsyncTesting
import Foundation
import HummingbirdTesting
import XCTest

/// The history API: every sequence of every office and period kept once, with when it
/// arrived and the fingerprint of the token that pushed it (never the token), each
/// document byte for byte as pushed.
final class HistoryAPITests: CentralTestCase {
    func testOfficesPeriodsSequencesAndEachDocumentAsPushed() async throws {
        let server = try makeServer()
        // Other whitespace than a re-encoding would write: the bytes must come back as sent.
        let six = SampleDocument(sequence: "6", overallTotal: "78.5"), seven = SampleDocument(sequence: "7")
        let other = SampleDocument(period: "2025", sequence: "1")
        try await server.makeApplication().test(.router) { client in
            for document in [seven, six, other] {
                let pushed = try await Self.push(client, document.json, key: document.key)
                XCTAssertEqual(pushed.status, .created)
            }
            let offices = try Self.json(try await client.execute(uri: "/api/fieldsync/v1/offices", method: .get))
            let list = try XCTUnwrap(offices["offices"] as? [[String: Any]])
            XCTAssertEqual(list.map { $0["office"] as? String }, ["ningde-rfb"])
            XCTAssertEqual(list.first?["periods"] as? Int, 2)

            let periods = try Self.json(try await client.execute(uri: "/api/fieldsync/v1/offices/ningde-rfb/periods", method: .get))
            let periodList = try XCTUnwrap(periods["periods"] as? [[String: Any]])
            XCTAssertEqual(periodList.map { $0["period"] as? String }, ["2026", "2025"])
            XCTAssertEqual(periodList.first?["latest_sequence"] as? Int, 7)

            let sequences = try Self.json(try await client.execute(
                uri: "/api/fieldsync/v1/offices/ningde-rfb/periods/2026/sequences", method: .get))
            let entries = try XCTUnwrap(sequences["sequences"] as? [[String: Any]])
            XCTAssertEqual(entries.map { $0["sequence"] as? Int }, [6, 7])
            let fingerprint = BearerTokens.fingerprint(of: "Bearer s3cret-s3cret-s3cret")
            XCTAssertEqual(entries.map { $0["token_fingerprint"] as? String }, [fingerprint, fingerprint])
            XCTAssertTrue(entries.allSatisfy { Timestamp.isRFC3339($0["received_at"] as? String ?? "") })
            let listing = String(buffer: try await client.execute(
                uri: "/api/fieldsync/v1/offices/ningde-rfb/periods/2026/sequences", method: .get).body)
            XCTAssertFalse(listing.contains("s3cret"), "the token itself is never stored or shown")

            let six6 = try await client.execute(uri: "/api/fieldsync/v1/offices/ningde-rfb/periods/2026/sequences/6", method: .get)
            XCTAssertEqual(six6.status, .ok)
            XCTAssertEqual(String(buffer: six6.body), six.json, "byte for byte as pushed")
            let latest = try await client.execute(uri: "/api/fieldsync/v1/offices/ningde-rfb/periods/2026", method: .get)
            XCTAssertEqual(String(buffer: latest.body), seven.json)

            for missing in ["/api/fieldsync/v1/offices/nobody/periods", "/api/fieldsync/v1/offices/ningde-rfb/periods/2030/sequences",
                            "/api/fieldsync/v1/offices/ningde-rfb/periods/2026/sequences/9",
                            "/api/fieldsync/v1/offices/ningde-rfb/periods/2026/sequences/x"] {
                let response = try await client.execute(uri: missing, method: .get)
                XCTAssertEqual(response.status, .notFound, missing)
            }
        }
    }

    func testTheOverviewIsPagedForAThousandOffices() async throws {
        let store = try DocumentStore(path: directory.appendingPathComponent("paged.sqlite").path)
        for n in 0 ..< 150 {
            let document = SampleDocument(office: String(format: "office-%03d", n), sequence: "1")
            _ = try await store.store(IdempotencyKey(office: document.office, period: "2026", sequence: 1), body: Array(document.json.utf8))
        }
        let server = CentralServer(configuration: try makeServer().configuration, store: store)
        try await server.makeApplication().test(.router) { client in
            let first = String(buffer: try await client.execute(uri: "/", method: .get).body)
            XCTAssertTrue(first.contains("office-000") && first.contains("office-099") && !first.contains("office-100"))
            XCTAssertTrue(first.contains("Page 1 of 2") && first.contains(#"<a href="/?page=1">"#))
            let second = String(buffer: try await client.execute(uri: "/?page=1", method: .get).body)
            XCTAssertTrue(second.contains("office-100") && second.contains("office-149") && !second.contains("office-099"))
        }
    }
}
