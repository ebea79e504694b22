import FieldsyncCentral
import FieldsyncProtocol
import FieldsyncTesting
import Foundation
import Logging
import Testing

/// Central's storage, one contract, two implementations: SQLite for a city, PostgreSQL
/// (a real cluster the tests start) for a province. Each test runs against both.
@Suite("Central's storage, on SQLite and on PostgreSQL")
struct StorageContractTests {
    enum Engine: String, CaseIterable, CustomTestStringConvertible {
        case sqlite, postgres
        var testDescription: String { rawValue }
    }

    static func storage(_ engine: Engine) async throws -> any DocumentStorage {
        switch engine {
        case .sqlite:
            let dir = NSTemporaryDirectory() + "central-contract-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            return try DocumentStore(path: dir + "/central.sqlite")
        case .postgres:
            var logger = Logger(label: "central-contract")
            logger.logLevel = .error
            return try await PostgresDocumentStore(DatabaseURL(parsing: try PostgresServer.shared().makeDatabase()), logger: logger)
        }
    }

    static func key(_ sequence: Int64, period: String = "2026") -> IdempotencyKey {
        IdempotencyKey(office: "ningde-rfb", period: period, sequence: sequence)
    }

    @Test("Stored once: the same bytes again are a replay, other bytes a conflict; a late older sequence never becomes latest",
          arguments: Engine.allCases)
    func idempotency(engine: Engine) async throws {
        let store = try await Self.storage(engine)
        let seven = Array(SampleDocument(sequence: "7").json.utf8), six = Array(SampleDocument(sequence: "6").json.utf8)
        #expect(try await store.store(Self.key(7), body: seven, receivedAt: Date(), tokenFingerprint: "abcd") == .stored(becameLatest: true))
        #expect(try await store.store(Self.key(7), body: seven, receivedAt: Date(), tokenFingerprint: "abcd") == .replayed)
        #expect(try await store.store(Self.key(7), body: seven + [0x20], receivedAt: Date(), tokenFingerprint: "abcd") == .conflict)
        #expect(try await store.store(Self.key(6), body: six, receivedAt: Date(), tokenFingerprint: nil) == .stored(becameLatest: false))
        #expect(try await store.latest(office: "ningde-rfb", period: "2026")?.identity.sequence == 7)
        #expect(try await store.latest(office: "ningde-rfb", period: "2026")?.body == seven, "byte for byte")
        #expect(try await store.document(office: "ningde-rfb", period: "2026", sequence: 6)?.body == six)
        #expect(try await store.documentCount() == 2)
        #expect(try await store.documentCount(office: "ningde-rfb", period: "2025") == 0)
        #expect(try await store.periodCount(office: "ningde-rfb") == 1)
        #expect(try await store.sequences(office: "ningde-rfb", period: "2026").map(\.sequence) == [6, 7])
        #expect(try await store.sequences(office: "ningde-rfb", period: "2026").map(\.tokenFingerprint) == [nil, "abcd"])
        #expect(await store.isHealthy())
    }

    @Test("History: offices, their periods newest first, the overview paged by office; the change mark grows with every document",
          arguments: Engine.allCases)
    func history(engine: Engine) async throws {
        let store = try await Self.storage(engine)
        let before = try await store.changeMark()
        for (office, period) in [("b-office", "2026"), ("a-office", "2025"), ("a-office", "2026")] {
            let document = SampleDocument(office: office, period: period, sequence: "1")
            _ = try await store.store(IdempotencyKey(office: office, period: period, sequence: 1), body: Array(document.json.utf8),
                                      receivedAt: Date(), tokenFingerprint: nil)
        }
        #expect(try await store.changeMark() > before)
        #expect(try await store.offices().map(\.office) == ["a-office", "b-office"])
        #expect(try await store.offices().map(\.periods) == [2, 1])
        #expect(try await store.periods(office: "a-office").map(\.period) == ["2026", "2025"])
        let first = try await store.latestDocuments(skip: 0, offices: 1).map { "\($0.identity.office)/\($0.identity.period)" }
        #expect(first == ["a-office/2026", "a-office/2025"])
        #expect(try await store.latestDocuments(skip: 1, offices: 1).map(\.identity.office) == ["b-office"])
    }
}
