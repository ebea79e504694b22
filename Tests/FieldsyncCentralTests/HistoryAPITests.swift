@testable import FieldsyncCentral
import FieldsyncProtocol
import FieldsyncTesting
import Foundation
import HummingbirdTesting
import Testing

/// The history API: every sequence of every office and period kept once, with when it
/// arrived and the fingerprint of the token that pushed it (never the token), each
/// document byte for byte as pushed.
@Suite("The history API")
struct HistoryAPITests {
    @Test("Offices, their periods newest first, each period's sequences with arrival time and token fingerprint, and each document byte for byte as pushed",
          arguments: CentralEngine.allCases)
    func officesPeriodsSequencesAndEachDocumentAsPushed(engine: CentralEngine) async throws {
        let server = try await engine.makeServer()
        // Other whitespace than a re-encoding would write: the bytes must come back as sent.
        let six = SampleDocument(sequence: "6", overallTotal: "78.5"), seven = SampleDocument(sequence: "7")
        let other = SampleDocument(period: "2025", sequence: "1")
        try await server.makeApplication().test(.router) { client in
            for document in [seven, six, other] {
                let pushed = try await push(client, document.json, key: document.key)
                #expect(pushed.status == .created)
            }
            let offices = try jsonObject(try await client.execute(uri: "/api/fieldsync/v1/offices", method: .get))
            let list = try #require(offices["offices"] as? [[String: Any]])
            #expect(list.map { $0["office"] as? String } == ["ningde-rfb"])
            #expect(list.first?["periods"] as? Int == 2)

            let periods = try jsonObject(try await client.execute(uri: "/api/fieldsync/v1/offices/ningde-rfb/periods", method: .get))
            let periodList = try #require(periods["periods"] as? [[String: Any]])
            #expect(periodList.map { $0["period"] as? String } == ["2026", "2025"])
            #expect(periodList.first?["latest_sequence"] as? Int == 7)

            let sequences = try jsonObject(try await client.execute(
                uri: "/api/fieldsync/v1/offices/ningde-rfb/periods/2026/sequences", method: .get))
            let entries = try #require(sequences["sequences"] as? [[String: Any]])
            #expect(entries.map { $0["sequence"] as? Int } == [6, 7])
            let fingerprint = BearerTokens.fingerprint(of: "Bearer \(sampleToken)")
            #expect(entries.map { $0["token_fingerprint"] as? String } == [fingerprint, fingerprint])
            #expect(entries.allSatisfy { Timestamp.isRFC3339($0["received_at"] as? String ?? "") })
            let listing = String(buffer: try await client.execute(
                uri: "/api/fieldsync/v1/offices/ningde-rfb/periods/2026/sequences", method: .get).body)
            #expect(!listing.contains("s3cret"), "the token itself is never stored or shown")

            let six6 = try await client.execute(uri: "/api/fieldsync/v1/offices/ningde-rfb/periods/2026/sequences/6", method: .get)
            #expect(six6.status == .ok)
            #expect(String(buffer: six6.body) == six.json, "byte for byte as pushed")
            let latest = try await client.execute(uri: "/api/fieldsync/v1/offices/ningde-rfb/periods/2026", method: .get)
            #expect(String(buffer: latest.body) == seven.json)

            for missing in ["/api/fieldsync/v1/offices/nobody/periods", "/api/fieldsync/v1/offices/ningde-rfb/periods/2030/sequences",
                            "/api/fieldsync/v1/offices/ningde-rfb/periods/2026/sequences/9",
                            "/api/fieldsync/v1/offices/ningde-rfb/periods/2026/sequences/x"] {
                let response = try await client.execute(uri: missing, method: .get)
                #expect(response.status == .notFound, "\(missing)")
            }
        }
    }

    @Test("The overview is paged by office, a hundred to a page, for a province's thousand offices", arguments: CentralEngine.allCases)
    func theOverviewIsPagedForAThousandOffices(engine: CentralEngine) async throws {
        let server = try await engine.makeServer()
        for n in 0 ..< 150 {
            let document = SampleDocument(office: String(format: "office-%03d", n), sequence: "1")
            _ = try await server.store.store(IdempotencyKey(office: document.office, period: "2026", sequence: 1),
                                             body: Array(document.json.utf8))
        }
        try await server.makeApplication().test(.router) { client in
            let first = String(buffer: try await client.execute(uri: "/", method: .get).body)
            #expect(first.contains("office-000") && first.contains("office-099") && !first.contains("office-100"))
            #expect(first.contains("Page 1 of 2") && first.contains(#"<a href="/?page=1">"#))
            let second = String(buffer: try await client.execute(uri: "/?page=1", method: .get).body)
            #expect(second.contains("office-100") && second.contains("office-149") && !second.contains("office-099"))
        }
    }
}
