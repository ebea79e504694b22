import FieldsyncModel
import FieldsyncProtocol
import GRDB

/// The ledger: one row per file handled (accepted, duplicate or rejected), in the
/// `file` table, which this type owns — its schema and every statement on it.
public enum Ledger {
    /// The table as the store's first migration made it.
    static func createTable(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE file (
                id INTEGER PRIMARY KEY,
                sha256 TEXT NOT NULL,
                source TEXT NOT NULL,
                name TEXT NOT NULL,
                size INTEGER NOT NULL,
                received_at INTEGER NOT NULL,
                outcome TEXT NOT NULL CHECK (outcome IN ('accepted', 'duplicate', 'rejected')),
                finished INTEGER NOT NULL DEFAULT 0,
                records INTEGER NOT NULL DEFAULT 0,
                imported INTEGER NOT NULL DEFAULT 0,
                updated INTEGER NOT NULL DEFAULT 0,
                ignored INTEGER NOT NULL DEFAULT 0,
                retracted INTEGER NOT NULL DEFAULT 0,
                problems INTEGER NOT NULL DEFAULT 0,
                first_problem TEXT,
                archive TEXT
            );
            CREATE UNIQUE INDEX file_accepted_sha256 ON file(sha256) WHERE outcome = 'accepted';
            CREATE INDEX file_source ON file(source, outcome);
            """)
    }

    /// The same bytes are a re-drop only from the source that dropped them: from
    /// another, they are that source's file, checked on their own (and a county
    /// learns nothing of another's file names).
    static func indexAcceptedPerSource(_ db: Database) throws {
        try db.execute(sql: """
            DROP INDEX file_accepted_sha256;
            CREATE UNIQUE INDEX file_accepted_sha256 ON file(source, sha256) WHERE outcome = 'accepted';
            """)
    }

    /// When each file was dropped (its ctime as intake first saw it: the rename into the
    /// drop directory) and answered (its receipt or rejection durable): the metrics'
    /// drop → answer latency, kept with the file so a restart does not lose it.
    static func addTimes(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE file ADD COLUMN dropped_at INTEGER;
            ALTER TABLE file ADD COLUMN answered_at INTEGER;
            """)
    }

    /// The file `source` dropped with these bytes and had accepted, if any.
    public static func accepted(_ db: Database, sha256: String, source: String) throws -> LedgerEntry? {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT id, sha256, source, name, received_at, finished, records, imported, updated, ignored, retracted, archive
            FROM file WHERE source = ? AND sha256 = ? AND outcome = \(LedgerOutcome.accepted.sql)
            """, arguments: [source, sha256]) else { return nil }
        return LedgerEntry(id: row[0], sha256: row[1], source: row[2], name: row[3],
                           receivedAt: Timestamp(microseconds: row[4]), finished: row[5],
                           counts: ReceiptCounts(records: row[6], imported: row[7], updated: row[8],
                                                 ignored: row[9], retracted: row[10]),
                           archive: row[11])
    }

    /// Accepted files whose answer a kill interrupted (not yet marked finished).
    public static func unfinishedAccepted(_ db: Database) throws -> [(id: Int64, source: String, name: String)] {
        try Row.fetchAll(db, sql: "SELECT id, source, name FROM file WHERE outcome = \(LedgerOutcome.accepted.sql) AND finished = 0")
            .map { ($0[0], $0[1], $0[2]) }
    }

    public static func insert(_ db: Database, sha256: String, source: String, name: String, size: Int64,
                       receivedAt: Timestamp, droppedAt: Timestamp, outcome: LedgerOutcome) throws -> Int64 {
        try db.execute(sql: """
            INSERT INTO file (sha256, source, name, size, received_at, dropped_at, outcome) VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [sha256, source, name, size, receivedAt.microseconds, droppedAt.microseconds, outcome.rawValue])
        return db.lastInsertedRowID
    }

    /// The file's counts; `answeredAt` when its answer is durable with them.
    public static func record(_ db: Database, file id: Int64, counts: ReceiptCounts, archive: String?,
                              answeredAt: Timestamp?) throws {
        try db.execute(sql: """
            UPDATE file SET records = ?, imported = ?, updated = ?, ignored = ?, retracted = ?, archive = ?, finished = ?,
                            answered_at = ?
            WHERE id = ?
            """, arguments: [counts.records, counts.imported, counts.updated, counts.ignored, counts.retracted,
                             archive, answeredAt != nil, answeredAt?.microseconds, id])
    }

    /// The file is answered (receipt or rejection durable) as of `at`; nil when that time
    /// is not known (recovery after a kill: the restart's time would count the downtime).
    public static func finish(_ db: Database, file id: Int64, at: Timestamp?) throws {
        try db.execute(sql: "UPDATE file SET finished = 1, answered_at = coalesce(answered_at, ?) WHERE id = ?",
                       arguments: [at?.microseconds, id])
    }

    /// Records a rejection before the file is moved aside (unfinished until it is). A
    /// rejection of this very file that a kill interrupted before the move is taken up
    /// again rather than counted twice: an unfinished entry for the same source, name
    /// and bytes, begun after the file last changed (`changedAt`, its ctime). A file
    /// that was moved aside and dropped again has changed since: a new rejection.
    public static func rejected(_ db: Database, sha256: String, source: String, name: String, size: Int64,
                         receivedAt: Timestamp, changedAt: Timestamp, problems: Int, firstProblem: String?) throws -> Int64 {
        if let id = try Int64.fetchOne(db, sql: """
            SELECT id FROM file WHERE outcome = \(LedgerOutcome.rejected.sql) AND finished = 0 AND source = ? AND name = ? AND sha256 = ?
              AND received_at >= ?
            ORDER BY id DESC LIMIT 1
            """, arguments: [source, name, sha256, changedAt.microseconds]) {
            return id
        }
        try db.execute(sql: """
            INSERT INTO file (sha256, source, name, size, received_at, dropped_at, outcome, finished, problems, first_problem)
            VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?)
            """, arguments: [sha256, source, name, size, receivedAt.microseconds, changedAt.microseconds,
                             LedgerOutcome.rejected.rawValue, problems, firstProblem])
        return db.lastInsertedRowID
    }

    /// What `status` shows of a source: its files by outcome, its last file and its
    /// last rejection.
    public static func summary(_ db: Database, source: String) throws -> LedgerSummary {
        var summary = LedgerSummary()
        for row in try Row.fetchAll(db, sql: "SELECT outcome, count(*) FROM file WHERE source = ? GROUP BY outcome",
                                    arguments: [source]) {
            guard let outcome = LedgerOutcome(rawValue: row[0]) else { continue }
            summary.files[outcome] = row[1]
        }
        if let last = try Row.fetchOne(db, sql: "SELECT name, received_at FROM file WHERE source = ? ORDER BY id DESC LIMIT 1",
                                       arguments: [source]) {
            summary.lastFile = last[0]
            summary.lastFileAt = Timestamp(microseconds: last[1])
        }
        summary.lastError = try String.fetchOne(db, sql: """
            SELECT name || ': ' || first_problem FROM file WHERE source = ? AND outcome = \(LedgerOutcome.rejected.sql)
            ORDER BY id DESC LIMIT 1
            """, arguments: [source])
        return summary
    }

    /// Every source's totals (sources with no file are absent): files by outcome,
    /// records by action, the last accepted file's time and each answered file's drop →
    /// answer time. Files from before the store kept those times (v11) have none.
    public static func totals(_ db: Database) throws -> [String: SourceTotals] {
        var totals: [String: SourceTotals] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT source, outcome, count(*), sum(imported), sum(updated), sum(ignored), sum(retracted), max(received_at)
            FROM file GROUP BY source, outcome
            """) {
            guard let outcome = LedgerOutcome(rawValue: row[1]) else { continue }
            var t = totals[row[0]] ?? SourceTotals()
            t.files[outcome] = row[2]
            // An accepted file's records, and a duplicate's (all ignored).
            if outcome == .accepted || outcome == .duplicate {
                t.imported += row[3] as Int
                t.updated += row[4] as Int
                t.ignored += row[5] as Int
                t.retracted += row[6] as Int
            }
            if outcome == .accepted { t.lastAcceptedAt = (row[7] as Int64?).map(Timestamp.init(microseconds:)) }
            totals[row[0]] = t
        }
        for row in try Row.fetchAll(db, sql: """
            SELECT source, answered_at - dropped_at FROM file
            WHERE finished = 1 AND answered_at IS NOT NULL AND dropped_at IS NOT NULL ORDER BY id
            """) {
            totals[row[0], default: SourceTotals()].answerTimes.append(.microseconds(max(0, row[1] as Int64)))
        }
        return totals
    }
}
