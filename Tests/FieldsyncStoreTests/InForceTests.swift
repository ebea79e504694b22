@testable import FieldsyncModel
@testable import FieldsyncScoring
@testable import FieldsyncStore
import FieldsyncTesting
import Foundation
import GRDB
import Testing

/// What is in force, kept file by file by the reconciler, is what the revisions say:
/// after every file of a long random history — new ids, corrections forward and back
/// in time, retractions, an indicator changed, surveys and findings replaced — the
/// kept values equal those worked out from scratch, and so do the kept tables after a
/// rebuild.
@Suite("What is in force")
struct InForceTests {
    /// The current values of 2026 worked out from the revision table alone, the way
    /// scoring read them before they were kept: an independent reference.
    static func fromRevisions(_ db: Database, scheme: Scheme) throws -> CurrentValues {
        var values = CurrentValues()
        struct Key: Hashable { var unit: String, indicator: String, kind: String }
        var best: [Key: (observed: Int64, revision: Int, id: String, value: String)] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT record_id, revision, kind, unit, indicator, value, deduction, score, respondents, observed_at, note
            FROM revision WHERE in_force = 1 AND period = '2026' AND action = 'upsert'
            """) {
            let id: String = row[0], revision: Int = row[1], kind: String = row[2], unit: String = row[3]
            switch kind {
            case "report", "spotcheck":
                let key = Key(unit: unit, indicator: row[4], kind: kind)
                let candidate = (observed: row[9] as Int64, revision: revision, id: id, value: row[5] as String)
                if let current = best[key], (current.observed, current.revision, current.id) > (candidate.observed, candidate.revision, candidate.id) {
                    continue
                }
                best[key] = candidate
            case "survey":
                values.publicTotals[unit, default: .none].add(SurveyResult(id: id, score: Exact(decimal: row[7] as String)!, respondents: row[8] ?? 1))
            default:
                values.findings[unit, default: []].append(Finding(id: id, deduction: Exact(decimal: row[6] as String)!, note: row[10]))
            }
        }
        for (key, v) in best {
            var e = values.evidence[key.unit]?[key.indicator] ?? Evidence()
            if key.kind == "spotcheck" { e.spotcheck = Exact(decimal: v.value) } else { e.report = Exact(decimal: v.value) }
            values.evidence[key.unit, default: [:]][key.indicator] = e
        }
        return normalized(values)
    }

    /// Findings in id order: scoring lists them so, whatever order the store gives.
    static func normalized(_ values: CurrentValues) -> CurrentValues {
        var out = values
        out.findings = values.findings.mapValues { $0.sorted { $0.id < $1.id } }
        return out
    }

    /// The rows of the kept tables, for comparing with a rebuild.
    static func tables(_ db: Database) throws -> [String] {
        try ["in_force_value", "in_force_public", "in_force_finding"].flatMap { table in
            try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY 1, 2, 3, 4").map { "\(table) \($0)" }
        }
    }

    @Test("Kept file by file, equal to the revisions' own account", arguments: [1, 2, 3] as [UInt64])
    func keptEqualsRevisions(seed: UInt64) throws {
        let site = try TestSite()
        let scheme = try #require(site.setup.schemes["2026"])
        var accepted = 0
        for (n, file) in RandomHistory.files(seed: seed, count: 120).enumerated() {
            // One source per file: the records of a file come from one directory.
            let source = file[0].source
            let lines = file.filter { $0.source == source }.map(\.json).joined(separator: "\n")
            if try site.ingest(source, "f\(n).jsonl", lines + "\n").receipt != nil { accepted += 1 }
            let (kept, reference) = try site.store.writer.read { db in
                (Self.normalized(try InForce.values(db, period: "2026", scheme: scheme)), try Self.fromRevisions(db, scheme: scheme))
            }
            #expect(kept == reference, "after file \(n): \(lines)")
            if kept != reference { return }
        }
        #expect(accepted > 60, "the history should mostly be accepted, not \(accepted) of 120")
        // A rebuild from the revisions gives the very rows that were kept.
        try site.store.writer.writeWithoutTransaction { db in
            try db.inTransaction {
                let kept = try Self.tables(db)
                try InForce.rebuild(db)
                #expect(try Self.tables(db) == kept)
                return .rollback
            }
        }
    }

    /// A large file reads what its cells hold with one scan per period instead of a
    /// query per cell: both ways give every cell the same answer, held or not.
    @Test("What a cell holds is the same read cell by cell or by a scan of the period", arguments: [4, 5] as [UInt64])
    func scanEqualsLookups(seed: UInt64) throws {
        let site = try TestSite()
        for (n, file) in RandomHistory.files(seed: seed, count: 60).enumerated() {
            let source = file[0].source
            _ = try site.ingest(source, "f\(n).jsonl", file.filter { $0.source == source }.map(\.json).joined(separator: "\n") + "\n")
        }
        try site.store.writer.read { db in
            var cells = Set<InForceChanges.Cell>()
            for period in ["2026", "2027"] {
                for unit in ["shouning", "fuan", "nowhere"] {
                    for indicator in ["siren.fixed", "duty.24h"] {
                        for kind in [RecordKind.report, .spotcheck] {
                            cells.insert(InForceChanges.Cell(period: period, unit: unit, indicator: indicator, kind: kind))
                        }
                    }
                }
            }
            let one = try InForce.storedLatest(of: cells, db, scanAbove: .max)
            let scan = try InForce.storedLatest(of: cells, db, scanAbove: 0)
            var held = 0
            for cell in cells {
                let (a, b) = (try one(cell), try scan(cell))
                #expect(a?.id == b?.id && a?.revision == b?.revision && a?.observedAt == b?.observedAt, "\(cell)")
                if a != nil { held += 1 }
            }
            #expect(held >= 4, "the history should leave several cells held, not \(held)")
        }
    }
}

