import FieldsyncModel
import FieldsyncScoring
import FieldsyncStore
import GRDB
import Synchronization

/// What the courier scored last of each period, kept so that the next change is scored
/// unit by unit: a county's file changes its own unit, and scoring the other ninety-nine
/// again, reading their five thousand values and writing their close to a megabyte of
/// document, was most of the time from a change to central's 2xx.
///
/// Sound because the store versions what is in force per unit in the very transaction
/// that changes it (`InForce.versions`), and the versions are read in the same
/// snapshot as the values: a unit whose version did not move has the values, the score
/// and the document piece kept here. Everything that is not a unit's own — the overall,
/// which aggregates every unit — is computed again each time from the kept units. The
/// document is assembled from the same pieces a whole scoring writes
/// (`RenderedScores.init(head:overall:units:)`), so both give the same bytes; the tests
/// compare them after random histories.
///
/// Lives as long as its courier: a reload (another scheme) or a restart starts empty.
public final class ScoringCache: Sendable {
    private let periods = Mutex<[String: Scored]>([:])
    private let scoredUnits = Atomic<Int>(0)

    public init() {}

    /// How many units were scored so far, all periods together (what the cache saves
    /// shows here; the tests read it).
    public var unitsScored: Int { scoredUnits.load(ordering: .relaxed) }

    /// One period as scored last.
    struct Scored: Sendable {
        var schemeSHA256: String
        var office: String
        /// Unit → the version its values were read at (absent: 0).
        var versions: [String: Int64]
        var values: CurrentValues
        /// In scheme order, as `Scorer.score` gives them.
        var units: [UnitScore]
        var pieces: [[UInt8]]
    }

    /// The period's scoreboard now and its document, from the snapshot `db` reads:
    /// every unit scored again when the period is new here (or its scheme changed),
    /// else the units whose version moved.
    public func score(_ db: Database, office: String, scheme: Scheme) throws -> (board: Scoreboard, rendered: RenderedScores) {
        let versions = try InForce.versions(db, period: scheme.period)
        let kept = periods.withLock { $0[scheme.period] }
        var scored: Scored
        if let kept, kept.schemeSHA256 == scheme.sha256, kept.office == office {
            scored = kept
            let changed = Set(scheme.units.map(\.code).filter { versions[$0, default: 0] != kept.versions[$0, default: 0] })
            if !changed.isEmpty {
                let fresh = try InForce.values(db, period: scheme.period, scheme: scheme, units: Array(changed))
                for unit in changed {
                    scored.values.evidence[unit] = fresh.evidence[unit]
                    scored.values.publicTotals[unit] = fresh.publicTotals[unit]
                    scored.values.findings[unit] = fresh.findings[unit]
                }
                for (index, unit) in scheme.units.enumerated() where changed.contains(unit.code) {
                    scored.units[index] = Scorer.scoreUnit(unit, scheme: scheme, values: scored.values)
                    scored.pieces[index] = RenderedScores.piece(scored.units[index])
                }
            }
            scored.versions = versions
            scoredUnits.add(changed.count, ordering: .relaxed)
        } else {
            let values = try InForce.values(db, period: scheme.period, scheme: scheme)
            let units = scheme.units.map { Scorer.scoreUnit($0, scheme: scheme, values: values) }
            scored = Scored(schemeSHA256: scheme.sha256, office: office, versions: versions, values: values,
                            units: units, pieces: units.map(RenderedScores.piece))
            scoredUnits.add(units.count, ordering: .relaxed)
        }
        let overall = Scorer.scoreOverall(scheme: scheme, values: scored.values, units: scored.units)
        let board = Scoreboard(period: scheme.period, schemeName: scheme.name, schemeSHA256: scheme.sha256,
                               overall: overall, units: scored.units, grades: scheme.grades, weights: scheme.weights,
                               verification: scheme.verification, timeZone: scheme.timeZone.identifier)
        let rendered = RenderedScores(head: RenderedScores.head(board, office: office), overall: RenderedScores.piece(overall),
                                      units: scored.pieces)
        let keep = scored
        periods.withLock { $0[scheme.period] = keep }
        return (board, rendered)
    }
}
