import FieldsyncModel
import FieldsyncProtocol
import FieldsyncScoring
import GRDB

/// Every revision of every record — the one in force of each id in `revision_current`,
/// the others in `revision_past`, both seen together through the view `revision` —
/// which this type owns: the schema, the statements the ``Reconciler`` runs on it, and
/// what is read from it.
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

    /// A revision made from a fill-in workbook's row keeps what it was based on
    /// (``Record/Basis``): the next copy of that workbook is ordered against it.
    static func addBasis(_ db: Database) throws {
        try db.execute(sql: """
            -- The revision a fill-in workbook's row was based on; NULL for other records.
            ALTER TABLE revision ADD COLUMN based_on INTEGER;
            -- When that workbook was saved (microseconds since 1970, UTC), if it said.
            ALTER TABLE revision ADD COLUMN saved_at INTEGER;
            """)
    }

    /// The revisions in force apart from the others (migration v12): `revision_current`
    /// holds the one revision in force of each id, keyed by the id alone, and
    /// `revision_past` every other revision kept — superseded, or arrived late below the
    /// one in force. A new id is then one insert into one b-tree, which the key itself
    /// refuses when the id is known: one revision in force per id by construction, where
    /// the unique index of heads (v3) cost each new record a second b-tree and a
    /// quarter of a large file's time in SQLite. `revision` stays, as a view of both
    /// with the column `in_force`, for everything that reads the history.
    static func separateInForce(_ db: Database) throws {
        let columns = """
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
                based_on INTEGER,
                saved_at INTEGER
            """
        try db.execute(sql: """
            -- The revision in force of each id: the highest one it has.
            CREATE TABLE revision_current (
                \(columns),
                PRIMARY KEY (record_id)
            ) WITHOUT ROWID;
            -- Every other revision kept, with the file and place it came from.
            CREATE TABLE revision_past (
                \(columns),
                PRIMARY KEY (record_id, revision)
            ) WITHOUT ROWID;
            INSERT INTO revision_current SELECT \(stored) FROM revision WHERE in_force = 1;
            INSERT INTO revision_past SELECT \(stored) FROM revision WHERE in_force = 0;
            DROP TABLE revision;
            -- Every revision ever accepted; in_force is 1 for the one in force of its id.
            CREATE VIEW revision AS
                SELECT record_id, revision, file_id, location, kind, action, period, unit, indicator, value,
                       deduction, score, respondents, observed_at, note, by, 1 AS in_force, based_on, saved_at
                FROM revision_current
                UNION ALL
                SELECT record_id, revision, file_id, location, kind, action, period, unit, indicator, value,
                       deduction, score, respondents, observed_at, note, by, 0 AS in_force, based_on, saved_at
                FROM revision_past;
            """)
    }

    /// The columns of both tables, in their order.
    private static let stored = """
        record_id, revision, file_id, location, kind, action, period, unit, indicator, value, deduction, score,
        respondents, observed_at, note, by, based_on, saved_at
        """

    // MARK: The reconciler's statements (prepared once per file)

    private static let values = "(" + stored + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    /// A new id's revision, in force, unless the id is known: then SQLite leaves it out.
    static let insertIfNew = "INSERT OR IGNORE INTO revision_current " + values
    /// A new id's first revision, in force.
    static let insertCurrent = "INSERT INTO revision_current " + values
    /// A revision in force in place of the one before it (moved first by ``retire``):
    /// the row rewritten where it is, with the same parameters as the inserts.
    static let replaceHead = """
        UPDATE revision_current SET revision = ?2, file_id = ?3, location = ?4, kind = ?5, action = ?6, period = ?7,
            unit = ?8, indicator = ?9, value = ?10, deduction = ?11, score = ?12, respondents = ?13,
            observed_at = ?14, note = ?15, by = ?16, based_on = ?17, saved_at = ?18
        WHERE record_id = ?1
        """
    /// A revision kept but not in force: it arrived below the one in force.
    static let insertPast = "INSERT INTO revision_past " + values
    /// The revision in force of an id leaves force: kept, as it was, among the others.
    static let retire = "INSERT INTO revision_past SELECT \(stored) FROM revision_current WHERE record_id = ?"
    /// The revision in force of an id: what it may never change, and what it holds
    /// (which leaves force if a new revision comes).
    static let head = """
        SELECT revision, kind, period, unit, action, indicator, value, deduction, score, respondents, observed_at, note,
               based_on, saved_at
        FROM revision_current WHERE record_id = ?
        """
    /// One revision of an id, to compare a re-sent one with.
    static let exact = """
        SELECT kind, action, period, unit, indicator, value, deduction, score, respondents, observed_at, note, by
        FROM revision_current WHERE record_id = ?1 AND revision = ?2
        UNION ALL
        SELECT kind, action, period, unit, indicator, value, deduction, score, respondents, observed_at, note, by
        FROM revision_past WHERE record_id = ?1 AND revision = ?2
        """

    // MARK: Reading

    /// The revisions in force of these ids (those the store has), with their content:
    /// what a fill-in workbook is made from (`fieldsync template`).
    public static func inForce(_ db: Database, ids: [String]) throws -> [String: FieldsyncModel.Record] {
        var heads: [String: FieldsyncModel.Record] = [:]
        let statement = try db.cachedStatement(sql: """
            SELECT revision, kind, action, period, unit, indicator, value, deduction, score, respondents,
                   observed_at, note, by
            FROM revision_current WHERE record_id = ?
            """)
        for id in ids {
            guard let row = try Row.fetchOne(statement, arguments: [id]),
                  let kind = RecordKind(rawValue: row["kind"]), let action = RecordAction(rawValue: row["action"]) else { continue }
            heads[id] = FieldsyncModel.Record(id: id, revision: row["revision"], kind: kind, action: action, period: row["period"],
                               unit: row["unit"], indicator: row["indicator"], value: row["value"],
                               deduction: row["deduction"], score: row["score"], respondents: row["respondents"],
                               observedAt: Timestamp(microseconds: row["observed_at"]), note: row["note"], by: row["by"])
        }
        return heads
    }

    /// How many records `source` has in force (retractions left out), for `status`.
    public static func inForceCount(_ db: Database, source: String) throws -> Int {
        try Int.fetchOne(db, sql: """
            SELECT count(*) FROM revision_current JOIN file ON file.id = revision_current.file_id
            WHERE file.source = ? AND revision_current.action = ?
            """, arguments: [source, RecordAction.upsert.rawValue]) ?? 0
    }
}
