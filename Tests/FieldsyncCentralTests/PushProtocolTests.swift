import FieldsyncTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import XCTest

/// The push protocol of SPEC §7 as a sender sees it: every answer a daemon can get.
final class PushProtocolTests: CentralTestCase {
    func testGoodDocumentIsStoredAndReadableByteForByte() async throws {
        let server = try makeServer()
        let document = SampleDocument()
        try await server.makeApplication().test(.router) { client in
            let response = try await Self.push(client, document.json, key: document.key)
            XCTAssertEqual(response.status, .created)
            let reply = try Self.json(response)
            XCTAssertEqual(reply["status"] as? String, "stored")
            XCTAssertEqual(reply["key"] as? String, "ningde-rfb/2026/7")
            XCTAssertEqual(reply["sequence"] as? Int, 7)

            let read = try await client.execute(uri: "/api/fieldsync/v1/offices/ningde-rfb/periods/2026", method: .get)
            XCTAssertEqual(read.status, .ok)
            XCTAssertEqual(read.headers[.contentType], "application/json")
            XCTAssertEqual(String(buffer: read.body), document.json)
        }
        let count = try await server.store.documentCount()
        XCTAssertEqual(count, 1)
    }

    func testNumbersAreKeptExactlyAsSent() async throws {
        let server = try makeServer()
        let document = SampleDocument(unitTotal: "86.615", overallTotal: "79.99")
        try await server.makeApplication().test(.router) { client in
            let response = try await Self.push(client, document.json, key: document.key)
            XCTAssertEqual(response.status, .created)
            let read = try await client.execute(uri: "/api/fieldsync/v1/offices/ningde-rfb/periods/2026", method: .get)
            let text = String(buffer: read.body)
            XCTAssertTrue(text.contains(#""total": 86.615,"#), text)
            XCTAssertTrue(text.contains(#""total": 79.99,"#), text)
            XCTAssertEqual(Array(read.body.readableBytesView), Array(document.json.utf8))
        }
    }

    func testMissingOrWrongTokenIsUnauthorizedWithChallenge() async throws {
        let server = try makeServer(tokens: ["s3cret-s3cret-s3cret": "ningde-rfb", "other-other-other-other": "ningde-rfb"])
        let document = SampleDocument()
        try await server.makeApplication().test(.router) { client in
            for token in [nil, "wrong", "s3cret-s3cret-s3cre", "s3cret-s3cret-s3cret2"] as [String?] {
                let response = try await Self.push(client, document.json, key: document.key, token: token)
                XCTAssertEqual(response.status, .unauthorized, "token \(token ?? "none")")
                XCTAssertTrue(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") ?? false)
            }
            let second = try await Self.push(client, document.json, key: document.key, token: "other-other-other-other")
            XCTAssertEqual(second.status, .created)
        }
        let count = try await server.store.documentCount()
        XCTAssertEqual(count, 1)
    }

    func testNoConfiguredTokenAcceptsAnyPush() async throws {
        let server = try makeServer(tokens: [:])
        let document = SampleDocument()
        try await server.makeApplication().test(.router) { client in
            let response = try await Self.push(client, document.json, key: document.key, token: nil)
            XCTAssertEqual(response.status, .created)
        }
    }

    func testMissingIdempotencyKeyIsBadRequest() async throws {
        let server = try makeServer()
        try await server.makeApplication().test(.router) { client in
            let response = try await Self.push(client, SampleDocument().json, key: nil)
            XCTAssertEqual(response.status, .badRequest)
            XCTAssertEqual(try Self.json(response)["field"] as? String, "Idempotency-Key")
        }
        let count = try await server.store.documentCount()
        XCTAssertEqual(count, 0)
    }

    func testKeyNotMatchingTheDocumentIsUnprocessable() async throws {
        let server = try makeServer()
        try await server.makeApplication().test(.router) { client in
            for key in ["ningde-rfb/2026/8", "other/2026/7", "ningde-rfb/2025/7", "ningde-rfb/2026/07"] {
                let response = try await Self.push(client, SampleDocument().json, key: key)
                XCTAssertEqual(response.status, .unprocessableContent, key)
                XCTAssertEqual(try Self.json(response)["field"] as? String, "Idempotency-Key")
            }
        }
        let count = try await server.store.documentCount()
        XCTAssertEqual(count, 0)
    }

    func testWrongContentTypeIsRefused() async throws {
        let server = try makeServer()
        let document = SampleDocument()
        try await server.makeApplication().test(.router) { client in
            let response = try await Self.push(client, document.json, key: document.key, contentType: "text/plain")
            XCTAssertEqual(response.status, .unsupportedMediaType)
            let withCharset = try await Self.push(
                client, document.json, key: document.key, contentType: "application/json; charset=utf-8")
            XCTAssertEqual(withCharset.status, .created)
        }
    }

    func testBodyThatIsNotJSONIsBadRequest() async throws {
        let server = try makeServer()
        try await server.makeApplication().test(.router) { client in
            for body in ["", "{", #"{"a":1} x"#, #"{"a":1,"a":2}"#] {
                let response = try await Self.push(client, body, key: "ningde-rfb/2026/7")
                XCTAssertEqual(response.status, .badRequest, body)
            }
        }
    }

    func testOversizedBodyIsContentTooLarge() async throws {
        let server = try makeServer(maxBodySize: 1024)
        let document = SampleDocument()
        XCTAssertGreaterThan(document.json.utf8.count, 1024)
        try await server.makeApplication().test(.router) { client in
            let response = try await Self.push(client, document.json, key: document.key)
            XCTAssertEqual(response.status, .contentTooLarge)
        }
        let count = try await server.store.documentCount()
        XCTAssertEqual(count, 0)
    }

    func testReplayOfSameKeyAndBodyAnswersTheSameAndStoresOnce() async throws {
        let server = try makeServer()
        let document = SampleDocument()
        try await server.makeApplication().test(.router) { client in
            let first = try await Self.push(client, document.json, key: document.key)
            let second = try await Self.push(client, document.json, key: document.key)
            XCTAssertEqual(first.status, .created)
            XCTAssertEqual(second.status, first.status)
            XCTAssertEqual(String(buffer: second.body), String(buffer: first.body))
            XCTAssertNil(first.headers[.idempotentReplayed])
            XCTAssertEqual(second.headers[.idempotentReplayed], "true")
        }
        let count = try await server.store.documentCount(office: "ningde-rfb", period: "2026")
        XCTAssertEqual(count, 1)
    }

    func testConcurrentIdenticalPushesStoreOneRow() async throws {
        let server = try makeServer()
        let document = SampleDocument()
        try await server.makeApplication().test(.router) { client in
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<8 {
                    group.addTask { try await Self.push(client, document.json, key: document.key).status }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            XCTAssertEqual(statuses, Array(repeating: .created, count: 8))
        }
        let count = try await server.store.documentCount()
        XCTAssertEqual(count, 1)
    }

    func testSameKeyWithDifferentBodyIsConflict() async throws {
        let server = try makeServer()
        let original = SampleDocument()
        let changed = SampleDocument(unitTotal: "86.62")
        try await server.makeApplication().test(.router) { client in
            let first = try await Self.push(client, original.json, key: original.key)
            XCTAssertEqual(first.status, .created)
            let second = try await Self.push(client, changed.json, key: changed.key)
            XCTAssertEqual(second.status, .conflict)
            let read = try await client.execute(uri: "/api/fieldsync/v1/offices/ningde-rfb/periods/2026", method: .get)
            XCTAssertEqual(String(buffer: read.body), original.json)
        }
        let count = try await server.store.documentCount()
        XCTAssertEqual(count, 1)
    }

    func testOlderSequenceAfterNewerIsStoredButNotLatest() async throws {
        let server = try makeServer()
        let newer = SampleDocument(sequence: "8", unitTotal: "90.5", unitGrade: "excellent", unitGradeZh: "优秀")
        let older = SampleDocument(sequence: "7")
        try await server.makeApplication().test(.router) { client in
            let first = try await Self.push(client, newer.json, key: newer.key)
            XCTAssertEqual(first.status, .created)
            let late = try await Self.push(client, older.json, key: older.key)
            XCTAssertEqual(late.status, .created)
            let read = try await client.execute(uri: "/api/fieldsync/v1/offices/ningde-rfb/periods/2026", method: .get)
            XCTAssertEqual(String(buffer: read.body), newer.json)
            XCTAssertEqual(read.headers[.fieldsyncSequence], "8")
        }
        let count = try await server.store.documentCount(office: "ningde-rfb", period: "2026")
        XCTAssertEqual(count, 2)
    }

    func testUnknownOfficeOrPeriodIsNotFound() async throws {
        let server = try makeServer()
        let document = SampleDocument()
        try await server.makeApplication().test(.router) { client in
            _ = try await Self.push(client, document.json, key: document.key)
            for uri in ["/api/fieldsync/v1/offices/nobody/periods/2026", "/api/fieldsync/v1/offices/ningde-rfb/periods/2025"] {
                let read = try await client.execute(uri: uri, method: .get)
                XCTAssertEqual(read.status, .notFound, uri)
            }
        }
    }

    func testPeriodsAndOfficesAreKeptApart() async throws {
        let server = try makeServer(tokens: ["s3cret-s3cret-s3cret": "ningde-rfb", "fuan-token-0123456789": "fuan-rfb"])
        let a = SampleDocument(period: "2026", sequence: "3")
        let b = SampleDocument(period: "2027", sequence: "1")
        let c = SampleDocument(office: "fuan-rfb", period: "2026", sequence: "9")
        try await server.makeApplication().test(.router) { client in
            for document in [a, b, c] {
                let token = document.office == "fuan-rfb" ? "fuan-token-0123456789" : "s3cret-s3cret-s3cret"
                let response = try await Self.push(client, document.json, key: document.key, token: token)
                XCTAssertEqual(response.status, .created)
            }
            let read = try await client.execute(uri: "/api/fieldsync/v1/offices/ningde-rfb/periods/2026", method: .get)
            XCTAssertEqual(String(buffer: read.body), a.json)
        }
        let documents = try await server.store.latestDocuments()
        XCTAssertEqual(documents.map(\.identity.description), ["fuan-rfb/2026/9", "ningde-rfb/2027/1", "ningde-rfb/2026/3"])
    }

    func testHealthz() async throws {
        let server = try makeServer()
        try await server.makeApplication().test(.router) { client in
            let response = try await client.execute(uri: "/healthz", method: .get)
            XCTAssertEqual(response.status, .ok)
        }
    }

    func testDocumentsSurviveReopeningTheDatabase() async throws {
        let document = SampleDocument()
        try await makeServer().makeApplication().test(.router) { client in
            _ = try await Self.push(client, document.json, key: document.key)
        }
        let reopened = try makeServer()
        let latest = try await reopened.store.latest(office: "ningde-rfb", period: "2026")
        XCTAssertEqual(latest?.body, Array(document.json.utf8))
        XCTAssertEqual(latest?.identity.sequence, 7)
    }
}
