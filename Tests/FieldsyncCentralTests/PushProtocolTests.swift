import FieldsyncTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// The push protocol of SPEC §7 as a sender sees it: every answer a daemon can get, from
/// a receiver on either storage engine.
@Suite("The push protocol, as a daemon sees it")
struct PushProtocolTests {
    @Test("A good document is stored (201) and read back byte for byte", arguments: CentralEngine.allCases)
    func goodDocumentIsStoredAndReadableByteForByte(engine: CentralEngine) async throws {
        let server = try await engine.makeServer()
        let document = SampleDocument()
        try await server.makeApplication().test(.router) { client in
            let response = try await push(client, document.json, key: document.key)
            #expect(response.status == .created)
            let reply = try jsonObject(response)
            #expect(reply["status"] as? String == "stored")
            #expect(reply["key"] as? String == "ningde-rfb/2026/7")
            #expect(reply["sequence"] as? Int == 7)

            let read = try await client.execute(uri: "/api/fieldsync/v1/offices/ningde-rfb/periods/2026", method: .get)
            #expect(read.status == .ok)
            #expect(read.headers[.contentType] == "application/json")
            #expect(String(buffer: read.body) == document.json)
        }
        let count = try await server.store.documentCount()
        #expect(count == 1)
    }

    @Test("Numbers are kept exactly as sent, never re-encoded", arguments: CentralEngine.allCases)
    func numbersAreKeptExactlyAsSent(engine: CentralEngine) async throws {
        let server = try await engine.makeServer()
        let document = SampleDocument(unitTotal: "86.615", overallTotal: "79.99")
        try await server.makeApplication().test(.router) { client in
            let response = try await push(client, document.json, key: document.key)
            #expect(response.status == .created)
            let read = try await client.execute(uri: "/api/fieldsync/v1/offices/ningde-rfb/periods/2026", method: .get)
            let text = String(buffer: read.body)
            #expect(text.contains(#""total": 86.615,"#), "\(text)")
            #expect(text.contains(#""total": 79.99,"#), "\(text)")
            #expect(Array(read.body.readableBytesView) == Array(document.json.utf8))
        }
    }

    @Test("A missing or wrong token is 401 with a Bearer challenge, and nothing is stored; a right one is taken",
          arguments: CentralEngine.allCases)
    func missingOrWrongTokenIsUnauthorizedWithChallenge(engine: CentralEngine) async throws {
        let server = try await engine.makeServer(tokens: [sampleToken: "ningde-rfb", "other-other-other-other": "ningde-rfb"])
        let document = SampleDocument()
        try await server.makeApplication().test(.router) { client in
            for token in [nil, "wrong", "s3cret-s3cret-s3cre", "s3cret-s3cret-s3cret2"] as [String?] {
                let response = try await push(client, document.json, key: document.key, token: token)
                #expect(response.status == .unauthorized, "token \(token ?? "none")")
                #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            }
            let second = try await push(client, document.json, key: document.key, token: "other-other-other-other")
            #expect(second.status == .created)
        }
        let count = try await server.store.documentCount()
        #expect(count == 1)
    }

    @Test("A receiver with no token configured takes any push", arguments: CentralEngine.allCases)
    func noConfiguredTokenAcceptsAnyPush(engine: CentralEngine) async throws {
        let server = try await engine.makeServer(tokens: [:])
        let document = SampleDocument()
        try await server.makeApplication().test(.router) { client in
            let response = try await push(client, document.json, key: document.key, token: nil)
            #expect(response.status == .created)
        }
    }

    @Test("A push without an Idempotency-Key is 400 naming the header, and nothing is stored", arguments: CentralEngine.allCases)
    func missingIdempotencyKeyIsBadRequest(engine: CentralEngine) async throws {
        let server = try await engine.makeServer()
        try await server.makeApplication().test(.router) { client in
            let response = try await push(client, SampleDocument().json, key: nil)
            #expect(response.status == .badRequest)
            #expect(try jsonObject(response)["field"] as? String == "Idempotency-Key")
        }
        let count = try await server.store.documentCount()
        #expect(count == 0)
    }

    @Test("A key that does not match the document's office, period and sequence is 422, and nothing is stored",
          arguments: CentralEngine.allCases)
    func keyNotMatchingTheDocumentIsUnprocessable(engine: CentralEngine) async throws {
        let server = try await engine.makeServer()
        try await server.makeApplication().test(.router) { client in
            for key in ["ningde-rfb/2026/8", "other/2026/7", "ningde-rfb/2025/7", "ningde-rfb/2026/07"] {
                let response = try await push(client, SampleDocument().json, key: key)
                #expect(response.status == .unprocessableContent, "\(key)")
                #expect(try jsonObject(response)["field"] as? String == "Idempotency-Key")
            }
        }
        let count = try await server.store.documentCount()
        #expect(count == 0)
    }

    @Test("Only JSON is taken (415 otherwise); a charset parameter is fine", arguments: CentralEngine.allCases)
    func wrongContentTypeIsRefused(engine: CentralEngine) async throws {
        let server = try await engine.makeServer()
        let document = SampleDocument()
        try await server.makeApplication().test(.router) { client in
            let response = try await push(client, document.json, key: document.key, contentType: "text/plain")
            #expect(response.status == .unsupportedMediaType)
            let withCharset = try await push(
                client, document.json, key: document.key, contentType: "application/json; charset=utf-8")
            #expect(withCharset.status == .created)
        }
    }

    @Test("A body that is not one JSON value (empty, cut short, trailing text, a member twice) is 400",
          arguments: CentralEngine.allCases)
    func bodyThatIsNotJSONIsBadRequest(engine: CentralEngine) async throws {
        let server = try await engine.makeServer()
        try await server.makeApplication().test(.router) { client in
            for body in ["", "{", #"{"a":1} x"#, #"{"a":1,"a":2}"#] {
                let response = try await push(client, body, key: "ningde-rfb/2026/7")
                #expect(response.status == .badRequest, "\(body)")
            }
        }
    }

    @Test("A body over the size limit is 413, and nothing is stored", arguments: CentralEngine.allCases)
    func oversizedBodyIsContentTooLarge(engine: CentralEngine) async throws {
        let server = try await engine.makeServer(maxBodySize: 1024)
        let document = SampleDocument()
        #expect(document.json.utf8.count > 1024)
        try await server.makeApplication().test(.router) { client in
            let response = try await push(client, document.json, key: document.key)
            #expect(response.status == .contentTooLarge)
        }
        let count = try await server.store.documentCount()
        #expect(count == 0)
    }

    @Test("The same key with the same body again gets the same answer, marked a replay, and is stored once",
          arguments: CentralEngine.allCases)
    func replayOfSameKeyAndBodyAnswersTheSameAndStoresOnce(engine: CentralEngine) async throws {
        let server = try await engine.makeServer()
        let document = SampleDocument()
        try await server.makeApplication().test(.router) { client in
            let first = try await push(client, document.json, key: document.key)
            let second = try await push(client, document.json, key: document.key)
            #expect(first.status == .created)
            #expect(second.status == first.status)
            #expect(String(buffer: second.body) == String(buffer: first.body))
            #expect(first.headers[.idempotentReplayed] == nil)
            #expect(second.headers[.idempotentReplayed] == "true")
        }
        let count = try await server.store.documentCount(office: "ningde-rfb", period: "2026")
        #expect(count == 1)
    }

    @Test("Eight identical pushes at once are all 201, and one row is stored", arguments: CentralEngine.allCases)
    func concurrentIdenticalPushesStoreOneRow(engine: CentralEngine) async throws {
        let server = try await engine.makeServer()
        let document = SampleDocument()
        try await server.makeApplication().test(.router) { client in
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<8 {
                    group.addTask { try await push(client, document.json, key: document.key).status }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses == Array(repeating: .created, count: 8))
        }
        let count = try await server.store.documentCount()
        #expect(count == 1)
    }

    @Test("The same key with another body is 409, and the first document stays", arguments: CentralEngine.allCases)
    func sameKeyWithDifferentBodyIsConflict(engine: CentralEngine) async throws {
        let server = try await engine.makeServer()
        let original = SampleDocument()
        let changed = SampleDocument(unitTotal: "86.62")
        try await server.makeApplication().test(.router) { client in
            let first = try await push(client, original.json, key: original.key)
            #expect(first.status == .created)
            let second = try await push(client, changed.json, key: changed.key)
            #expect(second.status == .conflict)
            let read = try await client.execute(uri: "/api/fieldsync/v1/offices/ningde-rfb/periods/2026", method: .get)
            #expect(String(buffer: read.body) == original.json)
        }
        let count = try await server.store.documentCount()
        #expect(count == 1)
    }

    @Test("An older sequence arriving after a newer one is stored, but the newer stays the latest",
          arguments: CentralEngine.allCases)
    func olderSequenceAfterNewerIsStoredButNotLatest(engine: CentralEngine) async throws {
        let server = try await engine.makeServer()
        let newer = SampleDocument(sequence: "8", unitTotal: "90.5", unitGrade: "excellent", unitGradeZh: "优秀")
        let older = SampleDocument(sequence: "7")
        try await server.makeApplication().test(.router) { client in
            let first = try await push(client, newer.json, key: newer.key)
            #expect(first.status == .created)
            let late = try await push(client, older.json, key: older.key)
            #expect(late.status == .created)
            let read = try await client.execute(uri: "/api/fieldsync/v1/offices/ningde-rfb/periods/2026", method: .get)
            #expect(String(buffer: read.body) == newer.json)
            #expect(read.headers[.fieldsyncSequence] == "8")
        }
        let count = try await server.store.documentCount(office: "ningde-rfb", period: "2026")
        #expect(count == 2)
    }

    @Test("An office or period nothing was pushed for is 404", arguments: CentralEngine.allCases)
    func unknownOfficeOrPeriodIsNotFound(engine: CentralEngine) async throws {
        let server = try await engine.makeServer()
        let document = SampleDocument()
        try await server.makeApplication().test(.router) { client in
            _ = try await push(client, document.json, key: document.key)
            for uri in ["/api/fieldsync/v1/offices/nobody/periods/2026", "/api/fieldsync/v1/offices/ningde-rfb/periods/2025"] {
                let read = try await client.execute(uri: uri, method: .get)
                #expect(read.status == .notFound, "\(uri)")
            }
        }
    }

    @Test("Periods and offices are kept apart: each has its own latest document", arguments: CentralEngine.allCases)
    func periodsAndOfficesAreKeptApart(engine: CentralEngine) async throws {
        let server = try await engine.makeServer(tokens: [sampleToken: "ningde-rfb", "fuan-token-0123456789": "fuan-rfb"])
        let a = SampleDocument(period: "2026", sequence: "3")
        let b = SampleDocument(period: "2027", sequence: "1")
        let c = SampleDocument(office: "fuan-rfb", period: "2026", sequence: "9")
        try await server.makeApplication().test(.router) { client in
            for document in [a, b, c] {
                let token = document.office == "fuan-rfb" ? "fuan-token-0123456789" : sampleToken
                let response = try await push(client, document.json, key: document.key, token: token)
                #expect(response.status == .created)
            }
            let read = try await client.execute(uri: "/api/fieldsync/v1/offices/ningde-rfb/periods/2026", method: .get)
            #expect(String(buffer: read.body) == a.json)
        }
        let documents = try await server.store.latestDocuments()
        #expect(documents.map(\.identity.description) == ["fuan-rfb/2026/9", "ningde-rfb/2027/1", "ningde-rfb/2026/3"])
    }

    @Test("/healthz is 200 while the database answers", arguments: CentralEngine.allCases)
    func healthz(engine: CentralEngine) async throws {
        let server = try await engine.makeServer()
        try await server.makeApplication().test(.router) { client in
            let response = try await client.execute(uri: "/healthz", method: .get)
            #expect(response.status == .ok)
        }
    }

    @Test("Documents survive reopening the database: a receiver started again on it has them", arguments: CentralEngine.allCases)
    func documentsSurviveReopeningTheDatabase(engine: CentralEngine) async throws {
        let document = SampleDocument()
        let database = try await engine.makeDatabase()
        try await engine.makeServer(database: database).makeApplication().test(.router) { client in
            _ = try await push(client, document.json, key: document.key)
        }
        let reopened = try await engine.makeServer(database: database)
        let latest = try await reopened.store.latest(office: "ningde-rfb", period: "2026")
        #expect(latest?.body == Array(document.json.utf8))
        #expect(latest?.identity.sequence == 7)
    }
}
