import FieldsyncModel
import FieldsyncProtocol
import GRDB

/// Ledger reads and writes, by sha256 and by file.
public enum Ledger {
    /// The file `source` dropped with these bytes and had accepted, if any.
    public static func accepted(_ db: Database, sha256: String, source: String) throws -> LedgerEntry? {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT id, sha256, source, name, received_at, finished, records, imported, updated, ignored, retracted, archive
            FROM file WHERE source = ? AND sha256 = ? AND outcome = 'accepted'
            """, arguments: [source, sha256]) else { return nil }
        return LedgerEntry(id: row[0], sha256: row[1], source: row[2], name: row[3],
                           receivedAt: Timestamp(microseconds: row[4]), finished: row[5],
                           counts: ReceiptCounts(records: row[6], imported: row[7], updated: row[8],
                                                 ignored: row[9], retracted: row[10]),
                           archive: row[11])
    }

    /// Accepted files whose answer a kill interrupted (not yet marked finished).
    public static func unfinishedAccepted(_ db: Database) throws -> [(id: Int64, source: String, name: String)] {
        try Row.fetchAll(db, sql: "SELECT id, source, name FROM file WHERE outcome = 'accepted' AND finished = 0")
            .map { ($0[0], $0[1], $0[2]) }
    }

    public static func insert(_ db: Database, sha256: String, source: String, name: String, size: Int64,
                       receivedAt: Timestamp, outcome: String) throws -> Int64 {
        try db.execute(sql: """
            INSERT INTO file (sha256, source, name, size, received_at, outcome) VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [sha256, source, name, size, receivedAt.microseconds, outcome])
        return db.lastInsertedRowID
    }

    public static func record(_ db: Database, file id: Int64, counts: ReceiptCounts, archive: String?, finished: Bool) throws {
        try db.execute(sql: """
            UPDATE file SET records = ?, imported = ?, updated = ?, ignored = ?, retracted = ?, archive = ?, finished = ?
            WHERE id = ?
            """, arguments: [counts.records, counts.imported, counts.updated, counts.ignored, counts.retracted,
                             archive, finished, id])
    }

    public static func finish(_ db: Database, file id: Int64) throws {
        try db.execute(sql: "UPDATE file SET finished = 1 WHERE id = ?", arguments: [id])
    }

    /// Records a rejection before the file is moved aside (unfinished until it is). A
    /// rejection of this very file that a kill interrupted before the move is taken up
    /// again rather than counted twice: an unfinished entry for the same source, name
    /// and bytes, begun after the file last changed (`changedAt`, its ctime). A file
    /// that was moved aside and dropped again has changed since: a new rejection.
    public static func rejected(_ db: Database, sha256: String, source: String, name: String, size: Int64,
                         receivedAt: Timestamp, changedAt: Timestamp, problems: [Problem]) throws -> Int64 {
        if let id = try Int64.fetchOne(db, sql: """
            SELECT id FROM file WHERE outcome = 'rejected' AND finished = 0 AND source = ? AND name = ? AND sha256 = ?
              AND received_at >= ?
            ORDER BY id DESC LIMIT 1
            """, arguments: [source, name, sha256, changedAt.microseconds]) {
            return id
        }
        try db.execute(sql: """
            INSERT INTO file (sha256, source, name, size, received_at, outcome, finished, problems, first_problem)
            VALUES (?, ?, ?, ?, ?, 'rejected', 0, ?, ?)
            """, arguments: [sha256, source, name, size, receivedAt.microseconds, problems.count,
                             problems.first?.description])
        return db.lastInsertedRowID
    }
}
