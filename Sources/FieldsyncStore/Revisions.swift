import FieldsyncModel
import FieldsyncScoring
import GRDB

/// Every revision of every record, in the `revision` table, which this type owns: its
/// schema, the statements the ``Reconciler`` runs on it, and what is read from it.
public enum Revisions {
    /// The table as the store's first migration made it.
    static func createTable(_ db: Database) throws {
        try db.execute(sql: """
            -- Every revision ever accepted, with the file and place it came from.
            CREATE TABLE revision (
                record_id TEXT NOT NULL,
                revision INTEGER NOT NULL,
                file_id INTEGER NOT NULL REFERENCES file(id),
                location TEXT NOT NULL,
                kind TEXT NOT NULL,
                action TEXT NOT NULL,
                period TEXT NOT NULL,
                unit TEXT NOT NULL,
                indicator TEXT,
                value TEXT,
                deduction TEXT,
                score TEXT,
                respondents INTEGER,
                observed_at INTEGER NOT NULL,
                note TEXT,
                by TEXT,
                -- 1 for the highest revision of each id: the one in force.
                in_force INTEGER NOT NULL,
                PRIMARY KEY (record_id, revision)
            ) WITHOUT ROWID;
            CREATE INDEX revision_in_force ON revision(period) WHERE in_force = 1;
            """)
    }

    /// The store itself guarantees one revision in force per id, and the reconciler
    /// relies on it: a new id is one insert, refused by this index when the id is
    /// already known. The index by period goes: on a large file it cost a tenth of the
    /// intake, and reading a period's current values scans the heads instead (tens of
    /// milliseconds at 200,000; a city's year is a few thousand records).
    static func indexHeads(_ db: Database) throws {
        try db.execute(sql: """
            DROP INDEX revision_in_force;
            CREATE UNIQUE INDEX revision_head ON revision(record_id) WHERE in_force = 1;
            """)
    }

    // MARK: The reconciler's statements (prepared once per file)

    private static let columns = """
        (record_id, revision, file_id, location, kind, action, period, unit, indicator,
         value, deduction, score, respondents, observed_at, note, by, in_force)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
    /// A new revision, unless the head index refuses it (the id is known).
    static let insertIfNew = "INSERT OR IGNORE INTO revision " + columns
    static let insert = "INSERT INTO revision " + columns
    /// The revision in force of an id, and what it may never change.
    static let head = "SELECT revision, kind, period, unit FROM revision WHERE record_id = ? AND in_force = 1"
    /// One revision of an id, to compare a re-sent one with.
    static let exact = """
        SELECT kind, action, period, unit, indicator, value, deduction, score, respondents, observed_at, note, by
        FROM revision WHERE record_id = ? AND revision = ?
        """
    static let demote = "UPDATE revision SET in_force = 0 WHERE record_id = ? AND in_force = 1"

    // MARK: Reading

    /// How many records `source` has in force (retractions left out), for `status`.
    public static func inForceCount(_ db: Database, source: String) throws -> Int {
        try Int.fetchOne(db, sql: """
            SELECT count(*) FROM revision JOIN file ON file.id = revision.file_id
            WHERE file.source = ? AND revision.in_force = 1 AND revision.action = ?
            """, arguments: [source, RecordAction.upsert.rawValue]) ?? 0
    }

    /// The current values of a period (SPEC §4.1), inside an open transaction or snapshot.
    public static func currentValues(_ db: Database, period: String, scheme: Scheme) throws -> CurrentValues {
        let units = Set(scheme.units.map(\.code))
        let indicators = Set(scheme.indicators.map(\.code))
        var values = CurrentValues()
        // Latest of each kind per unit × indicator: by observed_at, then revision, then id.
        struct Key: Hashable { var unit: String, indicator: String, kind: RecordKind }
        var best: [Key: (observed: Int64, revision: Int, id: String, value: String)] = [:]
        let rows = try Row.fetchCursor(db, sql: """
            SELECT record_id, revision, kind, unit, indicator, value, deduction, score, respondents, observed_at, note
            FROM revision WHERE in_force = 1 AND period = ? AND action = ?
            """, arguments: [period, RecordAction.upsert.rawValue])
        while let row = try rows.next() {
            let id: String = row[0], revision: Int = row[1], unit: String = row[3]
            guard units.contains(unit), let kind = RecordKind(rawValue: row[2]) else { continue }
            switch kind {
            case .report, .spotcheck:
                guard let indicator: String = row[4], indicators.contains(indicator), let value: String = row[5] else { continue }
                let key = Key(unit: unit, indicator: indicator, kind: kind)
                let candidate = (observed: row[9] as Int64, revision: revision, id: id, value: value)
                if let current = best[key],
                   (current.observed, current.revision, current.id) > (candidate.observed, candidate.revision, candidate.id) {
                    continue
                }
                best[key] = candidate
            case .survey:
                guard let s: String = row[7], let score = Exact(decimal: s) else { continue }
                values.surveys[unit, default: []].append(SurveyResult(id: id, score: score, respondents: row[8] ?? 1))
            case .finding:
                guard let d: String = row[6], let deduction = Exact(decimal: d) else { continue }
                values.findings[unit, default: []].append(Finding(id: id, deduction: deduction, note: row[10]))
            }
        }
        for (key, v) in best {
            guard let value = Exact(decimal: v.value) else { continue }
            var e = values.evidence[key.unit]?[key.indicator] ?? Evidence()
            if key.kind == .spotcheck { e.spotcheck = value } else { e.report = value }
            values.evidence[key.unit, default: [:]][key.indicator] = e
        }
        return values
    }
}
