import Crypto
import FieldsyncModel
import FieldsyncProtocol
import FieldsyncScoring
import FieldsyncStore
import Foundation
import GRDB

/// The outbox: the periods whose scores changed, and the scores documents due for
/// delivery (SPEC §6–§7).
///
/// Intake only marks a period changed (`changed_period`), in the same transaction as
/// the records, so a crash can never leave a change unmarked; scoring is not on its
/// path. The courier, after `debounce`, scores each changed period and stages its
/// document in a transaction of its own, which also clears the mark — so a kill at any
/// instant leaves either the mark or the document, and a burst of files costs one
/// scoring. `sequence` grows by one only when the content (all but `sequence` and
/// `generated_at`) changes, in the transaction that stores the document, so a key is
/// never used for other content; an undelivered older sequence is superseded by a
/// newer one.
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

    /// The changed periods, as the step after the outbox brought them.
    public static let changesMigration = StoreMigration("v6: changed periods") { db in
        try db.execute(sql: """
            -- Periods whose records changed since their scores were last staged. `changes`
            -- grows with every change: staging clears the row only if it did not grow
            -- while the period was being scored.
            CREATE TABLE changed_period (
                period TEXT PRIMARY KEY,
                changes INTEGER NOT NULL,
                changed_at INTEGER NOT NULL
            ) WITHOUT ROWID;
            -- The scheme a document was scored with: a scheme that changed since (a
            -- reload, or a restart with a new file) marks its period changed.
            ALTER TABLE outbox ADD COLUMN scheme_sha256 TEXT;
            """)
    }

    /// Marks changed the periods of `schemes` whose last document was scored with
    /// another scheme (or that have none): a new scheme changes scores without any new
    /// record.
    public static func noteSchemeChanges(_ db: Database, schemes: [String: Scheme], at now: Timestamp) throws {
        var periods: [String] = []
        for (period, scheme) in schemes.sorted(by: { $0.key < $1.key }) {
            let last = try Row.fetchOne(db, sql: """
                SELECT scheme_sha256 FROM outbox WHERE period = ? ORDER BY sequence DESC LIMIT 1
                """, arguments: [period])
            // A period never staged and with nothing in force has nothing to say: an
            // office that just started would otherwise show central every unit at 0.00 差.
            // Its first records mark it.
            if last == nil, try !InForce.hasAnything(db, period: period) { continue }
            if (last?[0] as String?) != scheme.sha256 { periods.append(period) }
        }
        try noteChanges(db, periods: periods, at: now)
    }

    /// The documents in a table of their own. A row of `outbox` changes state several
    /// times (pending, delivered, superseded); with its document inline, every change
    /// rewrote the whole document — close to a megabyte for 100 × 50 — and reading any
    /// column after it (`state`, `created_at`, `scheme_sha256`, what `status` shows)
    /// walked the document's overflow pages. Now a document is written once and read
    /// only to be sent.
    public static let documentsMigration = StoreMigration("v7: documents apart") { db in
        try db.execute(sql: """
            CREATE TABLE outbox_document (
                period TEXT NOT NULL,
                sequence INTEGER NOT NULL,
                document BLOB NOT NULL,
                PRIMARY KEY (period, sequence)
            );
            INSERT INTO outbox_document (period, sequence, document) SELECT period, sequence, document FROM outbox;
            ALTER TABLE outbox DROP COLUMN document;
            """)
    }

    /// Each staged sequence's totals, pre-rendered as a point of the trend
    /// (``RenderedScores/trendPoint(_:sequence:generatedAt:)``): every later document
    /// of the period carries them, so a report shows who improved after the inspections.
    public static let trendMigration = StoreMigration("v10: scored totals") { db in
        try db.execute(sql: """
            CREATE TABLE scored_total (
                period TEXT NOT NULL,
                sequence INTEGER NOT NULL,
                point BLOB NOT NULL,
                PRIMARY KEY (period, sequence)
            );
            -- Documents staged before are of schema 1: every period delivered so far is
            -- scored again, and central gets its scores in schema 2.
            INSERT INTO changed_period (period, changes, changed_at)
                SELECT DISTINCT period, 1, CAST(strftime('%s', 'now') AS INTEGER) * 1000000 FROM outbox WHERE true
                ON CONFLICT (period) DO UPDATE SET changes = changes + 1;
            """)
    }

    /// Every step delivery brings to the store, in order.
    public static let migrations = [migration, changesMigration, documentsMigration, trendMigration]

    /// Marks `periods` changed: inside the transaction that changed their records.
    public static func noteChanges(_ db: Database, periods: some Sequence<String>, at now: Timestamp) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO changed_period (period, changes, changed_at) VALUES (?, 1, ?)
            ON CONFLICT (period) DO UPDATE SET changes = changes + 1, changed_at = excluded.changed_at
            """)
        for period in periods { try statement.execute(arguments: [period, now.microseconds]) }
    }

    /// The periods marked changed and not staged since, with when they last changed.
    public static func changed(_ db: Database) throws -> [(period: String, changes: Int64, at: Timestamp)] {
        try Row.fetchAll(db, sql: "SELECT period, changes, changed_at FROM changed_period ORDER BY period").map {
            ($0[0], $0[1], Timestamp(microseconds: $0[2]))
        }
    }

    /// Scores every changed period and stages its document if the content changed,
    /// each in a transaction of its own that also clears the period's mark. Scoring
    /// reads a snapshot, outside the writer; a change committed meanwhile leaves the
    /// mark for the next round. Returns the documents staged.
    ///
    /// - Parameter afterScoring: called between scoring a period and staging it (the
    ///   tests commit a change there).
    @discardableResult
    public static func stageChanged(store: Store, office: String, schemes: [String: Scheme], maxSize: Int64? = .max,
                                    cache: ScoringCache? = nil, now: @Sendable () -> Timestamp = Timestamp.now,
                                    afterScoring: (String) throws -> Void = { _ in }) throws -> [StagedDocument] {
        var staged: [StagedDocument] = []
        for (period, changes, _) in try store.writer.read(changed) {
            let scored = try schemes[period].map { scheme in
                try store.writer.read { try score($0, office: office, scheme: scheme, cache: cache) }
            }
            try afterScoring(period)
            let document = try store.writer.write { db -> StagedDocument? in
                let current = try Int64.fetchOne(db, sql: "SELECT changes FROM changed_period WHERE period = ?", arguments: [period])
                guard current == changes else { return nil }  // changed again: the next round
                try db.execute(sql: "DELETE FROM changed_period WHERE period = ?", arguments: [period])
                // A period without a scheme (it was removed by a reload) has nothing to stage.
                guard let scored else { return nil }
                return try stage(db, office: office, period: period, board: scored.board, rendered: scored.rendered, hash: scored.hash,
                                 scheme: schemes[period]?.sha256, now: now(), maxSize: maxSize)
            }
            if let document { staged.append(document) }
        }
        return staged
    }

    /// The period's scoreboard now, and the sha256 of its content (the document without
    /// `sequence` and `generated_at`), which decides whether a new sequence is due.
    /// With a `cache`, only the units that changed since it scored are scored again.
    static func score(_ db: Database, office: String, scheme: Scheme, cache: ScoringCache? = nil) throws
        -> (board: Scoreboard, rendered: RenderedScores, hash: String) {
        let board: Scoreboard, rendered: RenderedScores
        if let cache {
            (board, rendered) = try cache.score(db, office: office, scheme: scheme)
        } else {
            let values = try InForce.values(db, period: scheme.period, scheme: scheme)
            board = Scorer.score(scheme: scheme, values: values)
            rendered = ScoresDocument.rendered(board, office: office)
        }
        var hasher = SHA256()
        rendered.forEachContentPiece { hasher.update(data: $0) }
        let hash = Hex.encode(hasher.finalize())
        return (board, rendered, hash)
    }

    /// Stages the next document of a period if its content (`hash`) differs from the
    /// last one staged. Returns the new document, if any.
    ///
    /// A document larger than `maxSize` (what central takes) is staged without its
    /// trend if that makes it fit, else not at all: it would be refused for ever. The
    /// refusal is recorded as an attempt, so `status` shows it. With `maxSize` nil —
    /// no `[push]`: nothing will be posted — there is no limit, and only the newest
    /// document is kept (what `scores` and `report` read); the trend keeps the totals.
    static func stage(_ db: Database, office: String, period: String, board: Scoreboard, rendered: RenderedScores, hash: String,
                      scheme: String?, now: Timestamp, maxSize: Int64?) throws -> StagedDocument? {
        let last = try Row.fetchOne(db, sql: """
            SELECT sequence, content_sha256 FROM outbox WHERE period = ? ORDER BY sequence DESC LIMIT 1
            """, arguments: [period])
        if let last, (last[1] as String) == hash {
            // The same content (under a scheme that changed nothing): remember the scheme.
            try db.execute(sql: "UPDATE outbox SET scheme_sha256 = ? WHERE period = ? AND sequence = ?",
                           arguments: [scheme, period, last[0] as Int])
            return nil
        }
        let sequence = (last.map { $0[0] as Int } ?? 0) + 1
        let point = RenderedScores.trendPoint(board, sequence: sequence, generatedAt: now)
        var document = rendered.document(sequence: sequence, generatedAt: now,
                                         trend: RenderedScores.trend(try trendPoints(db, period: period, then: point)))
        if let maxSize, Int64(document.count) > maxSize {
            document = rendered.document(sequence: sequence, generatedAt: now)
        }
        let size = Int64(document.count)
        if let maxSize, size > maxSize {
            try db.execute(sql: "INSERT INTO attempt (period, sequence, at, status, error) VALUES (?, 0, ?, NULL, ?)", arguments: [
                period, now.microseconds,
                "not staged: the scores document is \(size) bytes, more than central takes (\(maxSize) bytes, push.max_document_size)",
            ])
            return nil
        }
        try db.execute(sql: "UPDATE outbox SET state = ?, next_attempt_at = NULL WHERE period = ? AND state IN (?, ?)",
                       arguments: [OutboxState.superseded.rawValue, period, OutboxState.pending.rawValue, OutboxState.dead.rawValue])
        try db.execute(sql: """
            INSERT INTO outbox (period, sequence, content_sha256, created_at, state, next_attempt_at, scheme_sha256)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [period, sequence, hash, now.microseconds,
                             OutboxState.pending.rawValue, now.microseconds, scheme])
        try db.execute(sql: "INSERT INTO outbox_document (period, sequence, document) VALUES (?, ?, ?)",
                       arguments: [period, sequence, Data(document)])
        try db.execute(sql: "INSERT INTO scored_total (period, sequence, point) VALUES (?, ?, ?)",
                       arguments: [period, sequence, Data(point)])
        if maxSize == nil {
            try db.execute(sql: "DELETE FROM outbox_document WHERE period = ? AND sequence < ?", arguments: [period, sequence])
        }
        return StagedDocument(period: period, sequence: sequence, document: document)
    }

    /// The trend points of the period's staged sequences, oldest first, and `then` (the
    /// sequence being staged) last, thinned to ``Limits/trendPoints``: only the points
    /// kept are read, however long the year.
    static func trendPoints(_ db: Database, period: String, then last: [UInt8]? = nil) throws -> [[UInt8]] {
        let sequences = try Int64.fetchAll(db, sql: "SELECT sequence FROM scored_total WHERE period = ? ORDER BY sequence",
                                           arguments: [period])
        let total = sequences.count + (last == nil ? 0 : 1)
        let statement = try db.cachedStatement(sql: "SELECT point FROM scored_total WHERE period = ? AND sequence = ?")
        return try RenderedScores.trendIndices(count: total).map { i in
            if i == sequences.count, let last { return last }
            return Array(try Data.fetchOne(statement, arguments: [period, sequences[i]]) ?? Data())
        }
    }

    /// The current scoreboard of a scheme's period, read in one snapshot.
    public static func snapshot(store: Store, office: String, scheme: Scheme) throws -> ScoresSnapshot {
        try store.writer.read { db in
            let (board, _, hash) = try score(db, office: office, scheme: scheme)
            let row = try Row.fetchOne(db, sql: """
                SELECT sequence, created_at FROM outbox WHERE period = ? AND content_sha256 = ? ORDER BY sequence DESC LIMIT 1
                """, arguments: [scheme.period, hash])
            // The document staged for this content, byte for byte as pushed; else (not
            // staged yet, or no [push]) the scores now, after the trend so far.
            if let row, let sequence = row[0] as Int?,
               let staged = try Data.fetchOne(db, sql: "SELECT document FROM outbox_document WHERE period = ? AND sequence = ?",
                                              arguments: [scheme.period, sequence]),
               let document = try? JSONParser.parse(Array(staged)) {
                return ScoresSnapshot(scoreboard: board, sequence: sequence, document: document)
            }
            let bytes = ScoresDocument.rendered(board, office: office)
                .document(sequence: 0, generatedAt: .now(), trend: RenderedScores.trend(try trendPoints(db, period: scheme.period)))
            return ScoresSnapshot(scoreboard: board, sequence: 0, document: try JSONParser.parse(bytes))
        }
    }

    /// Documents due for delivery: the newest pending of each period whose next attempt
    /// is due (all pending ones when `includeDead` — a manual push — also dead ones).
    ///
    /// - Parameter held: documents the caller staged itself and holds: their bytes are
    ///   not read back (a city's document is close to a megabyte).
    public static func due(_ db: Database, now: Timestamp, includeDead: Bool = false,
                           held: [StagedDocument] = []) throws -> [OutboxItem] {
        let states = includeDead ? "(\(OutboxState.pending.sql), \(OutboxState.dead.sql))" : "(\(OutboxState.pending.sql))"
        let timeCondition = includeDead ? "" : "AND (next_attempt_at IS NULL OR next_attempt_at <= ?)"
        let rows = try Row.fetchAll(db, sql: """
            SELECT period, sequence, attempts FROM outbox
            WHERE state IN \(states) \(timeCondition)
            ORDER BY period, sequence
            """, arguments: includeDead ? [] : [now.microseconds])
        return try rows.compactMap { row in
            let period: String = row[0], sequence: Int = row[1]
            let document = try held.first(where: { $0.period == period && $0.sequence == sequence })?.document
                ?? Data.fetchOne(db, sql: "SELECT document FROM outbox_document WHERE period = ? AND sequence = ?",
                                 arguments: [period, sequence]).map { Array($0) }
            guard let document else { return nil }
            return OutboxItem(period: period, sequence: sequence, document: document, attempts: row[2])
        }
    }

    /// When the next pending document falls due, if any.
    public static func nextDue(_ db: Database) throws -> Timestamp? {
        try Int64.fetchOne(db, sql: "SELECT min(next_attempt_at) FROM outbox WHERE state = \(OutboxState.pending.sql)")
            .map(Timestamp.init(microseconds:))
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
            FROM (SELECT period FROM outbox UNION SELECT period FROM attempt UNION SELECT period FROM changed_period) AS p
            LEFT JOIN outbox AS o ON o.period = p.period
            GROUP BY p.period ORDER BY p.period
            """, arguments: [pending, delivered, dead, pending, dead]) {
            let period: String = row[0]
            let lastAttempt = try Int64.fetchOne(db, sql: "SELECT at FROM attempt WHERE period = ? ORDER BY id DESC LIMIT 1",
                                                 arguments: [period])
            let lastError = try String.fetchOne(db, sql: """
                SELECT error FROM attempt WHERE period = ? AND error IS NOT NULL ORDER BY id DESC LIMIT 1
                """, arguments: [period])
            let changedAt = try Int64.fetchOne(db, sql: "SELECT changed_at FROM changed_period WHERE period = ?", arguments: [period])
            periods.append(OutboxPeriodStatus(
                period: period, pending: row[1], delivered: row[2], dead: row[3], latestSequence: row[4],
                lastAttemptAt: lastAttempt.map(Timestamp.init(microseconds:)),
                lastSuccessAt: (row[6] as Int64?).map(Timestamp.init(microseconds:)),
                lastError: lastError,
                oldestUndeliveredAge: (row[5] as Int64?).map { .microseconds(max(0, now.microseconds - $0)) },
                changedAt: changedAt.map(Timestamp.init(microseconds:))))
        }
        return periods
    }

    /// How many delivery attempts got each answer (`nil`: none — a connection, TLS or
    /// timeout failure, or a document too large to stage), for ever.
    public static func attemptsByStatus(_ db: Database) throws -> [(status: Int?, count: Int)] {
        try Row.fetchAll(db, sql: "SELECT status, count(*) FROM attempt GROUP BY status ORDER BY status").map { ($0[0], $0[1]) }
    }
}
