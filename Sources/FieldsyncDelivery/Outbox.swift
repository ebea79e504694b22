import Crypto
import FieldsyncModel
import FieldsyncProtocol
import FieldsyncScoring
import FieldsyncStore
import Foundation
import GRDB

/// The outbox table: the scores documents due for delivery (SPEC §6–§7).
///
/// A document is written in the same transaction as the record change that caused it,
/// so a crash can never leave a change without its document or a document without its
/// change. `sequence` grows by one only when the content (all but `sequence` and
/// `generated_at`) changes; an undelivered older sequence is superseded by a newer one.
public enum Outbox {
    /// The outbox and its attempts, as the store's second migration made them: a step
    /// delivery brings to the store (``StoreMigration``).
    public static let migration = StoreMigration("v2: outbox") { db in
        // One row per scores document generated (SPEC §6-§7).
        try db.execute(sql: """
            CREATE TABLE outbox (
                period TEXT NOT NULL,
                sequence INTEGER NOT NULL,
                content_sha256 TEXT NOT NULL,
                document BLOB NOT NULL,
                created_at INTEGER NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'dead', 'superseded')),
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at INTEGER,
                delivered_at INTEGER,
                last_status INTEGER,
                last_error TEXT,
                PRIMARY KEY (period, sequence)
            );
            CREATE INDEX outbox_pending ON outbox(state, next_attempt_at);
            CREATE TABLE attempt (
                id INTEGER PRIMARY KEY,
                period TEXT NOT NULL,
                sequence INTEGER NOT NULL,
                at INTEGER NOT NULL,
                status INTEGER,
                error TEXT,
                next_attempt_at INTEGER
            );
            CREATE INDEX attempt_doc ON attempt(period, sequence);
            """)
    }

    /// The period's scoreboard now, and the sha256 of its content (the document without
    /// `sequence` and `generated_at`), which decides whether a new sequence is due.
    static func score(_ db: Database, office: String, scheme: Scheme) throws -> (board: Scoreboard, hash: String) {
        let values = try InForce.values(db, period: scheme.period, scheme: scheme)
        let board = Scorer.score(scheme: scheme, values: values)
        let content = ScoresDocument.contentText(board, office: office)
        let hash = Hex.encode(SHA256.hash(data: Data(content.utf8)))
        return (board, hash)
    }

    /// Scores the period now and stages a new document if its content changed. Call
    /// inside the transaction that changed the records. Returns the new sequence, if any.
    ///
    /// A document larger than `maxSize` (what central takes) is not staged: it would be
    /// refused for ever. The refusal is recorded as an attempt, so `status` shows it.
    @discardableResult
    public static func stage(_ db: Database, office: String, scheme: Scheme, now: Timestamp,
                             maxSize: Int64 = .max) throws -> Int? {
        let (board, hash) = try score(db, office: office, scheme: scheme)
        let last = try Row.fetchOne(db, sql: """
            SELECT sequence, content_sha256 FROM outbox WHERE period = ? ORDER BY sequence DESC LIMIT 1
            """, arguments: [scheme.period])
        if let last, (last[1] as String) == hash { return nil }
        let sequence = (last.map { $0[0] as Int } ?? 0) + 1
        let document = ScoresDocument.document(board, office: office, sequence: sequence, generatedAt: now)
        let size = Int64(document.rendered().utf8.count)
        guard size <= maxSize else {
            try db.execute(sql: "INSERT INTO attempt (period, sequence, at, status, error) VALUES (?, 0, ?, NULL, ?)", arguments: [
                scheme.period, now.microseconds,
                "not staged: the scores document is \(size) bytes, more than central takes (\(maxSize) bytes, push.max_document_size)",
            ])
            return nil
        }
        try db.execute(sql: "UPDATE outbox SET state = ?, next_attempt_at = NULL WHERE period = ? AND state IN (?, ?)",
                       arguments: [OutboxState.superseded.rawValue, scheme.period, OutboxState.pending.rawValue, OutboxState.dead.rawValue])
        try db.execute(sql: """
            INSERT INTO outbox (period, sequence, content_sha256, document, created_at, state, next_attempt_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [scheme.period, sequence, hash, Data(document.rendered().utf8), now.microseconds,
                             OutboxState.pending.rawValue, now.microseconds])
        return sequence
    }

    /// The current scoreboard of a scheme's period, read in one snapshot.
    public static func snapshot(store: Store, office: String, scheme: Scheme) throws -> ScoresSnapshot {
        try store.writer.read { db in
            let (board, hash) = try score(db, office: office, scheme: scheme)
            let row = try Row.fetchOne(db, sql: """
                SELECT sequence, created_at FROM outbox WHERE period = ? AND content_sha256 = ? ORDER BY sequence DESC LIMIT 1
                """, arguments: [scheme.period, hash])
            let sequence: Int = row?[0] ?? 0
            let generated = row.map { Timestamp(microseconds: $0[1]) } ?? .now()
            return ScoresSnapshot(scoreboard: board, sequence: sequence,
                                  document: ScoresDocument.document(board, office: office, sequence: sequence,
                                                                    generatedAt: generated))
        }
    }

    /// Documents due for delivery: the newest pending of each period whose next attempt
    /// is due (all pending ones when `includeDead` — a manual push — also dead ones).
    public static func due(_ db: Database, now: Timestamp, includeDead: Bool = false) throws -> [OutboxItem] {
        let states = includeDead ? "(\(OutboxState.pending.sql), \(OutboxState.dead.sql))" : "(\(OutboxState.pending.sql))"
        let timeCondition = includeDead ? "" : "AND (next_attempt_at IS NULL OR next_attempt_at <= ?)"
        let rows = try Row.fetchAll(db, sql: """
            SELECT period, sequence, document, attempts FROM outbox
            WHERE state IN \(states) \(timeCondition) ORDER BY period, sequence
            """, arguments: includeDead ? [] : [now.microseconds])
        return rows.map(item)
    }

    /// When the next pending document falls due, if any.
    public static func nextDue(_ db: Database) throws -> Timestamp? {
        try Int64.fetchOne(db, sql: "SELECT min(next_attempt_at) FROM outbox WHERE state = \(OutboxState.pending.sql)")
            .map(Timestamp.init(microseconds:))
    }

    static func item(_ row: Row) -> OutboxItem {
        let document: Data = row[2]
        return OutboxItem(period: row[0], sequence: row[1], document: Array(document), attempts: row[3])
    }

    /// Records one delivery attempt and its consequence for the document.
    public static func record(_ db: Database, item: OutboxItem, at: Timestamp, status: Int?, error: String?,
                              newState: OutboxState, nextAttemptAt: Timestamp?) throws {
        try db.execute(sql: """
            INSERT INTO attempt (period, sequence, at, status, error, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [item.period, item.sequence, at.microseconds, status, error, nextAttemptAt?.microseconds])
        try db.execute(sql: """
            UPDATE outbox SET attempts = attempts + 1, last_status = ?, last_error = ?, next_attempt_at = ?,
                state = CASE WHEN state = ? THEN state ELSE ? END,
                delivered_at = CASE WHEN ? THEN ? ELSE delivered_at END
            WHERE period = ? AND sequence = ?
            """, arguments: [status, error, nextAttemptAt?.microseconds, OutboxState.superseded.rawValue,
                             newState.rawValue, newState == .delivered, at.microseconds, item.period, item.sequence])
    }

    /// Makes dead documents pending again (after a reload or a manual push).
    public static func revive(_ db: Database, now: Timestamp) throws {
        try db.execute(sql: "UPDATE outbox SET state = ?, next_attempt_at = ? WHERE state = ?",
                       arguments: [OutboxState.pending.rawValue, now.microseconds, OutboxState.dead.rawValue])
    }

    /// Each period's documents by state, its last attempt, success and error: what
    /// `status` shows of delivery.
    public static func periodStatus(_ db: Database, now: Timestamp) throws -> [OutboxPeriodStatus] {
        let (pending, delivered, dead) = (OutboxState.pending.rawValue, OutboxState.delivered.rawValue, OutboxState.dead.rawValue)
        var periods: [OutboxPeriodStatus] = []
        // Every period with a document or an attempt: a document refused before it was
        // staged (too large for central) leaves only an attempt.
        for row in try Row.fetchAll(db, sql: """
            SELECT p.period, coalesce(sum(o.state = ?), 0), coalesce(sum(o.state = ?), 0), coalesce(sum(o.state = ?), 0),
                   coalesce(max(o.sequence), 0), min(CASE WHEN o.state IN (?, ?) THEN o.created_at END), max(o.delivered_at)
            FROM (SELECT period FROM outbox UNION SELECT period FROM attempt) AS p
            LEFT JOIN outbox AS o ON o.period = p.period
            GROUP BY p.period ORDER BY p.period
            """, arguments: [pending, delivered, dead, pending, dead]) {
            let period: String = row[0]
            let lastAttempt = try Int64.fetchOne(db, sql: "SELECT at FROM attempt WHERE period = ? ORDER BY id DESC LIMIT 1",
                                                 arguments: [period])
            let lastError = try String.fetchOne(db, sql: """
                SELECT error FROM attempt WHERE period = ? AND error IS NOT NULL ORDER BY id DESC LIMIT 1
                """, arguments: [period])
            periods.append(OutboxPeriodStatus(
                period: period, pending: row[1], delivered: row[2], dead: row[3], latestSequence: row[4],
                lastAttemptAt: lastAttempt.map(Timestamp.init(microseconds:)),
                lastSuccessAt: (row[6] as Int64?).map(Timestamp.init(microseconds:)),
                lastError: lastError,
                oldestUndeliveredAge: (row[5] as Int64?).map { .microseconds(max(0, now.microseconds - $0)) }))
        }
        return periods
    }
}
