@testable import FieldsyncDelivery
import FieldsyncScoring
import FieldsyncStore
import FieldsyncTesting
import Foundation
import GRDB
import Testing

/// The courier scores a change unit by unit (ScoringCache): after every file of a long
/// random history the document it makes is, byte for byte, the one a whole scoring
/// makes from the same snapshot — and it scored only the units that changed.
@Suite("Scoring unit by unit")
struct ScoringCacheTests {
    @Test("After every file, the same scoreboard and document bytes as scoring the whole period",
          arguments: [1, 2, 3] as [UInt64])
    func sameAsWhole(seed: UInt64) throws {
        let site = try TestSite()
        let scheme = try #require(site.setup.schemes["2026"])
        let cache = ScoringCache()
        var units = Set<String>()
        for (n, file) in RandomHistory.files(seed: seed, count: 120).enumerated() {
            let source = file[0].source
            let lines = file.filter { $0.source == source }.map(\.json).joined(separator: "\n")
            let before = cache.unitsScored
            let accepted = try site.ingest(source, "f\(n).jsonl", lines + "\n").receipt != nil
            let (byUnit, whole) = try site.store.writer.read { db in
                (try Outbox.score(db, office: "ningde", scheme: scheme, cache: cache),
                 try Outbox.score(db, office: "ningde", scheme: scheme))
            }
            // Compared whole, reported short (a scoreboard prints as pages).
            let same = byUnit.board == whole.board && byUnit.rendered.content == whole.rendered.content
                && byUnit.hash == whole.hash
            #expect(same, "after file \(n): \(lines)")
            if !same { return }
            // The first scoring scores every unit; later ones at most what the file touched.
            let touched = Set(file.filter { $0.source == source }.compactMap { step in
                ["shouning", "fuan"].first { step.json.contains(#""unit": "\#($0)""#) }
            })
            let scored = cache.unitsScored - before
            if n > 0 {
                #expect(scored <= (accepted ? touched.count : 0), "file \(n) touched \(touched) but \(scored) units were scored")
            }
            units.formUnion(touched)
        }
        #expect(units.count == 2)
    }

    @Test("A rebuild of what is in force moves the version of every unit that had anything")
    func rebuildMovesVersions() throws {
        let site = try TestSite()
        for (n, file) in RandomHistory.files(seed: 7, count: 30).enumerated() {
            let source = file[0].source
            let lines = file.filter { $0.source == source }.map(\.json).joined(separator: "\n")
            _ = try site.ingest(source, "f\(n).jsonl", lines + "\n")
        }
        let before = try site.store.writer.read { try InForce.versions($0, period: "2026") }
        #expect(Set(before.keys) == ["shouning", "fuan"])
        try site.store.writer.write { try InForce.rebuild($0) }
        let after = try site.store.writer.read { try InForce.versions($0, period: "2026") }
        for (unit, version) in before { #expect(after[unit, default: 0] > version, "\(unit)") }
    }

    @Test("A new scheme or another office scores every unit again")
    func newSchemeScoresAll() throws {
        let site = try TestSite()
        var scheme = try #require(site.setup.schemes["2026"])
        let cache = ScoringCache()
        _ = try site.store.writer.read { try Outbox.score($0, office: "ningde", scheme: scheme, cache: cache) }
        let all = cache.unitsScored
        #expect(all == scheme.units.count)
        _ = try site.store.writer.read { try Outbox.score($0, office: "ningde", scheme: scheme, cache: cache) }
        #expect(cache.unitsScored == all, "nothing changed: nothing scored")
        _ = try site.store.writer.read { try Outbox.score($0, office: "other", scheme: scheme, cache: cache) }
        #expect(cache.unitsScored == 2 * all)
        scheme.sha256 = String(repeating: "0", count: 64)
        _ = try site.store.writer.read { try Outbox.score($0, office: "other", scheme: scheme, cache: cache) }
        #expect(cache.unitsScored == 3 * all)
    }
}
