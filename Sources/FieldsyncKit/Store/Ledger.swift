import GRDB

/// The ledger's view of one file: what was counted when it was accepted.
public struct LedgerEntry: Sendable, Hashable {
    public var id: Int64
    public var sha256: String
    public var source: String
    public var name: String
    public var receivedAt: Timestamp
    public var finished: Bool
    public var counts: ReceiptCounts
    /// Path of the archived copy, relative to `state_dir`.
    public var archive: String?
}

/// The four ways a record can count on a receipt, kept apart (SPEC §4.2).
public struct ReceiptCounts: Sendable, Hashable {
    public var records = 0
    public var imported = 0
    public var updated = 0
    public var ignored = 0
    public var retracted = 0

    public init(records: Int = 0, imported: Int = 0, updated: Int = 0, ignored: Int = 0, retracted: Int = 0) {
        self.records = records
        self.imported = imported
        self.updated = updated
        self.ignored = ignored
        self.retracted = retracted
    }

    mutating func count(_ change: Change) {
        records += 1
        switch change {
        case .imported: imported += 1
        case .updated: updated += 1
        case .ignored: ignored += 1
        case .retracted: retracted += 1
        }
    }

    /// True when the file changed what is in force.
    public var changedAnything: Bool { imported + updated + retracted > 0 }
}

/// Ledger reads and writes, by sha256 and by file.
enum Ledger {
    /// The file `source` dropped with these bytes and had accepted, if any.
    static func accepted(_ db: Database, sha256: String, source: String) throws -> LedgerEntry? {
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
    static func unfinishedAccepted(_ db: Database) throws -> [(id: Int64, source: String, name: String)] {
        try Row.fetchAll(db, sql: "SELECT id, source, name FROM file WHERE outcome = 'accepted' AND finished = 0")
            .map { ($0[0], $0[1], $0[2]) }
    }

    static func insert(_ db: Database, sha256: String, source: String, name: String, size: Int64,
                       receivedAt: Timestamp, outcome: String) throws -> Int64 {
        try db.execute(sql: """
            INSERT INTO file (sha256, source, name, size, received_at, outcome) VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [sha256, source, name, size, receivedAt.microseconds, outcome])
        return db.lastInsertedRowID
    }

    static func record(_ db: Database, file id: Int64, counts: ReceiptCounts, archive: String?, finished: Bool) throws {
        try db.execute(sql: """
            UPDATE file SET records = ?, imported = ?, updated = ?, ignored = ?, retracted = ?, archive = ?, finished = ?
            WHERE id = ?
            """, arguments: [counts.records, counts.imported, counts.updated, counts.ignored, counts.retracted,
                             archive, finished, id])
    }

    static func finish(_ db: Database, file id: Int64) throws {
        try db.execute(sql: "UPDATE file SET finished = 1 WHERE id = ?", arguments: [id])
    }

    /// Records a rejection before the file is moved aside (unfinished until it is). A
    /// rejection of this very file that a kill interrupted before the move is taken up
    /// again rather than counted twice: an unfinished entry for the same source, name
    /// and bytes, begun after the file last changed (`changedAt`, its ctime). A file
    /// that was moved aside and dropped again has changed since: a new rejection.
    static func rejected(_ db: Database, sha256: String, source: String, name: String, size: Int64,
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
