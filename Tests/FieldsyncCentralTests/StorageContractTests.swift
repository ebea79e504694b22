import FieldsyncCentral
import FieldsyncProtocol
import FieldsyncTesting
import Foundation
import Testing

/// Central's storage, one contract, two implementations: SQLite for a city, PostgreSQL
/// (a real cluster the tests start) for a province. Each test runs against both.
@Suite("Central's storage, on SQLite and on PostgreSQL")
struct StorageContractTests {
    static func key(_ sequence: Int64, period: String = "2026") -> IdempotencyKey {
        IdempotencyKey(office: "ningde-rfb", period: period, sequence: sequence)
    }

    @Test("Stored once: the same bytes again are a replay, other bytes a conflict; a late older sequence never becomes latest",
          arguments: CentralEngine.allCases)
    func idempotency(engine: CentralEngine) async throws {
        let store = try await engine.makeStorage()
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
          arguments: CentralEngine.allCases)
    func history(engine: CentralEngine) async throws {
        let store = try await engine.makeStorage()
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

    @Test("New periods of one office stored at the same moment through two stores on one database never pass the office's limit",
          arguments: CentralEngine.allCases)
    func periodLimitHoldsUnderConcurrency(engine: CentralEngine) async throws {
        let database = try await engine.makeDatabase()
        let stores = [try await engine.open(database), try await engine.open(database)]
        let outcomes = try await withThrowingTaskGroup(of: StoreOutcome.self) { group in
            for year in 2001 ... 2012 {
                let document = SampleDocument(period: String(year), sequence: "1")
                group.addTask {
                    try await stores[year % 2].store(IdempotencyKey(office: "ningde-rfb", period: String(year), sequence: 1),
                                                     body: Array(document.json.utf8), receivedAt: Date(), tokenFingerprint: nil,
                                                     maxPeriods: 5)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 == .stored(becameLatest: true) }.count == 5)
        #expect(outcomes.filter { $0 == .tooManyPeriods }.count == 7)
        #expect(try await stores[0].periodCount(office: "ningde-rfb") == 5)
        // A period it has already is not a new one: its next sequence is stored.
        let stored = try await stores[1].periods(office: "ningde-rfb").first!.period
        #expect(try await stores[1].store(IdempotencyKey(office: "ningde-rfb", period: stored, sequence: 2),
                                         body: Array(SampleDocument(period: stored, sequence: "2").json.utf8), receivedAt: Date(),
                                         tokenFingerprint: nil, maxPeriods: 5) == .stored(becameLatest: true))
    }
}
