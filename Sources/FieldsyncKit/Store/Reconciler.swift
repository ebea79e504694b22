import GRDB

/// What one accepted revision did to the store, as counted on a receipt.
public enum Change: Sendable {
    /// A new record id.
    case imported
    /// A higher revision of a known id.
    case updated
    /// A lower revision, or the same revision again with the same content.
    case ignored
    /// A higher revision with `action = retract`: the record no longer counts.
    case retracted
}

/// Applies validated records to the store inside the caller's transaction, by the rules
/// of SPEC §4.1: the highest revision of an id is in force; every revision is kept;
/// an id never changes kind, period or unit; the same id and revision must not come
/// back with other content.
struct Reconciler {
    let db: Database
    let fileID: Int64
    private let latest: Statement
    private let exact: Statement
    private let insert: Statement
    private let demote: Statement

    init(db: Database, fileID: Int64) throws {
        self.db = db
        self.fileID = fileID
        latest = try db.cachedStatement(sql: """
            SELECT revision, kind, period, unit FROM revision WHERE record_id = ? ORDER BY revision DESC LIMIT 1
            """)
        exact = try db.cachedStatement(sql: """
            SELECT kind, action, period, unit, indicator, value, deduction, score, respondents, observed_at, note, by
            FROM revision WHERE record_id = ? AND revision = ?
            """)
        insert = try db.cachedStatement(sql: """
            INSERT INTO revision (record_id, revision, file_id, location, kind, action, period, unit, indicator,
                                  value, deduction, score, respondents, observed_at, note, by, in_force)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        demote = try db.cachedStatement(sql: "UPDATE revision SET in_force = 0 WHERE record_id = ? AND in_force = 1")
    }

    /// Applies one record; a problem means the file must be rejected.
    func apply(_ r: Record) throws -> Result<Change, Problem> {
        guard let head = try Row.fetchOne(latest, arguments: [r.id]) else {
            try store(r, inForce: true)
            return .success(r.action == .retract ? .retracted : .imported)
        }
        let headRevision: Int = head[0]
        let kind: String = head[1], period: String = head[2], unit: String = head[3]
        if kind != r.kind.rawValue || period != r.period || unit != r.unit {
            return .failure(Problem(r.location, field: "id",
                                    zh: "编号“\(r.id)”已用于 \(kind)/\(period)/\(unit) 的记录,修订不能改变类别、期间或单位",
                                    en: "id \(r.id) already belongs to a \(kind) record of \(period)/\(unit); a revision may not change kind, period or unit"))
        }
        if r.revision > headRevision {
            try demote.execute(arguments: [r.id])
            try store(r, inForce: true)
            return .success(r.action == .retract ? .retracted : .updated)
        }
        if let row = try Row.fetchOne(exact, arguments: [r.id, r.revision]) {
            if stored(row, equals: r) { return .success(.ignored) }
            return .failure(Problem(r.location, field: "revision",
                                    zh: "“\(r.id)”的第 \(r.revision) 版已记录且内容不同;修改请提高 revision",
                                    en: "revision \(r.revision) of \(r.id) already recorded with other content; raise the revision to change it"))
        }
        // An older revision arriving late: kept for the audit trail, not in force.
        try store(r, inForce: false)
        return .success(.ignored)
    }

    private func store(_ r: Record, inForce: Bool) throws {
        try insert.execute(arguments: [
            r.id, r.revision, fileID, r.location.description, r.kind.rawValue, r.action.rawValue, r.period, r.unit,
            r.indicator, r.value, r.deduction, r.score, r.respondents, r.observedAt.microseconds, r.note, r.by,
            inForce ? 1 : 0,
        ])
    }

    private func stored(_ row: Row, equals r: Record) -> Bool {
        row[0] == r.kind.rawValue && row[1] == r.action.rawValue && row[2] == r.period && row[3] == r.unit
            && row[4] == r.indicator && row[5] == r.value && row[6] == r.deduction && row[7] == r.score
            && row[8] == r.respondents && row[9] == r.observedAt.microseconds && row[10] == r.note && row[11] == r.by
    }
}
