import FieldsyncModel
import FieldsyncProtocol
import Foundation
import GRDB
import GRDBSQLite

/// Applies validated records to the store inside the caller's transaction, by the rules
/// of SPEC §4.1: the highest revision of an id is in force; every revision is kept;
/// an id never changes kind, period or unit; the same id and revision must not come
/// back with other content.
///
/// A new id costs one statement: the revision is inserted as the one in force, into
/// the table of revisions in force keyed by the id alone (migration v12), which refuses
/// it if the id is already known. Only then is the head looked up and the rules above
/// applied. Files tend to be all new records or all known ones (a spreadsheet sent
/// again with corrections), so after a known id the next record's head is looked up
/// first instead, saving the refused insert.
///
/// The statements run through SQLite's C API on GRDB's prepared statements, not through
/// `StatementArguments` and `Row`: those allocate an array of existentials and a row
/// per call, a quarter of a large file's intake time. A revision's text is bound from
/// one reused buffer without SQLite's copy (``BindArena``); the few other binds (an id
/// to look up) by length with SQLite's copy.
public struct Reconciler {
    let db: Database
    /// Whether the last record's id was already known.
    private var lastWasKnown = false
    let fileID: Int64
    /// Inserts a revision in force unless its id already has one: then nothing
    /// changes and `sqlite3_changes` is 0.
    private let insertIfNew: Statement
    private let insertCurrent: Statement
    private let replaceHead: Statement
    private let insertPast: Statement
    private let retire: Statement
    private let head: Statement
    private let exact: Statement
    /// The text of the revision being inserted, bound without SQLite's copy.
    private let arena: BindArena
    /// What this file changes of what is in force, written by ``finish()``.
    private var inForce = InForceChanges()
    /// The zone times in problems are shown in (the office's).
    let zone: TimeZone

    public init(db: Database, fileID: Int64, zone: TimeZone = .gmt) throws {
        self.db = db
        self.fileID = fileID
        self.zone = zone
        insertIfNew = try db.cachedStatement(sql: Revisions.insertIfNew)
        insertCurrent = try db.cachedStatement(sql: Revisions.insertCurrent)
        replaceHead = try db.cachedStatement(sql: Revisions.replaceHead)
        insertPast = try db.cachedStatement(sql: Revisions.insertPast)
        retire = try db.cachedStatement(sql: Revisions.retire)
        head = try db.cachedStatement(sql: Revisions.head)
        exact = try db.cachedStatement(sql: Revisions.exact)
        arena = BindArena(for: [insertIfNew, insertCurrent, replaceHead, insertPast])
    }

    /// The revision in force of an id: what it may never change, and what it holds.
    struct Head {
        var revision: Int
        var kind: String
        var period: String
        var unit: String
        var entry: InForceChanges.Entry?
        /// What it was based on, if a fill-in workbook's row made it.
        var basedOn: Int?
        var savedAt: Timestamp?
    }

    /// Applies one record (in file order); a problem means the file must be rejected.
    public mutating func apply(_ r: borrowing FieldsyncModel.Record) throws -> Result<Change, Problem> {
        if let basis = r.basis { return try apply(r, basedOn: basis) }
        if !lastWasKnown, try store(r, .newUnlessKnown) {
            if r.action == .upsert { inForce.add(r) }
            return .success(r.action == .retract ? .retracted : .imported)
        }
        guard let head = try fetchHead(r.id, contentBelow: r.revision) else {
            // A new id after a known one; or, after a refused insert, a refusal for
            // another reason (a constraint): a plain insert then lets SQLite's own
            // error reach the caller.
            lastWasKnown = false
            try store(r, .new)
            if r.action == .upsert { inForce.add(r) }
            return .success(r.action == .retract ? .retracted : .imported)
        }
        lastWasKnown = true
        if let problem = changesOwner(r, head) { return .failure(problem) }
        if r.revision > head.revision { return .success(try supersede(head, with: r)) }
        if let same = try storedRevision(r.revision, of: r.id, equals: r) {
            if same { return .success(.ignored) }
            return .failure(Problem(r.location, field: "revision",
                                    zh: "“\(r.id)”的第 \(r.revision) 版已记录且内容不同;修改请提高 revision",
                                    en: "revision \(r.revision) of \(r.id) already recorded with other content; raise the revision to change it"))
        }
        // An older revision arriving late: kept for the audit trail, not in force.
        try store(r, .past)
        return .success(.ignored)
    }

    /// A fill-in workbook's row (SPEC §4.1): the same as what is in force changes
    /// nothing; otherwise it becomes the next revision while the revision it was based
    /// on is still in force, or while what is in force came from a copy of the same
    /// workbook saved earlier than this one. Anything else — an older copy, a workbook
    /// made before someone else's change — is refused with what to do instead.
    private mutating func apply(_ row: FieldsyncModel.Record, basedOn basis: FieldsyncModel.Record.Basis) throws -> Result<Change, Problem> {
        var r = row
        lastWasKnown = true
        guard let head = try fetchHead(r.id, contentBelow: .max) else {
            guard basis.revision == 0 else {
                return .failure(Problem(r.location, field: "based_on",
                                        zh: "此行基于“\(r.id)”的第 \(basis.revision) 版填写,但本系统没有这条记录;请用 fieldsync template 重新生成表格",
                                        en: "this row is based on revision \(basis.revision) of \(r.id), which this store does not have; make a new template (fieldsync template)"))
            }
            r.revision = 1
            try store(r, .new)
            if r.action == .upsert { inForce.add(r) }
            return .success(r.action == .retract ? .retracted : .imported)
        }
        if let problem = changesOwner(r, head) { return .failure(problem) }
        if try storedRevision(head.revision, of: r.id, equals: r) == true { return .success(.ignored) }
        let ownCopy = head.basedOn == basis.revision
        // Newer only if both copies say when they were saved, and this one later.
        let newerCopy = ownCopy && basis.savedAt.map { saved in head.savedAt.map { saved > $0 } ?? false } ?? false
        guard head.revision == basis.revision || newerCopy else {
            let why: (zh: String, en: String)
            if !ownCopy {
                why = ("现行的第 \(head.revision) 版不是由这份表格提交的(已有其他更正)",
                       "revision \(head.revision), now in force, did not come from this workbook (something else changed it)")
            } else if let saved = basis.savedAt, let previous = head.savedAt {
                why = ("这份表格保存于 \(saved.local(zone)),早于已采用的第 \(head.revision) 版所在表格(保存于 \(previous.local(zone))),是较早的副本",
                       "this copy was saved at \(saved.local(zone)), before the copy that made revision \(head.revision) (saved at \(previous.local(zone))): it is an older copy")
            } else if basis.savedAt == nil {
                why = ("这份表格没有注明保存时间,无法判断它是否比已采用的第 \(head.revision) 版更新",
                       "this workbook does not say when it was saved, so it cannot be told newer than the copy that made revision \(head.revision)")
            } else {
                why = ("已采用的第 \(head.revision) 版所在表格没有注明保存时间,无法判断这份是否更新",
                       "the copy that made revision \(head.revision) did not say when it was saved, so this one cannot be told newer")
            }
            return .failure(Problem(r.location, field: "based_on",
                                    zh: "此行基于“\(r.id)”的第 \(basis.revision) 版填写,但\(why.zh);请用 fieldsync template 重新生成表格后再修改",
                                    en: "this row is based on revision \(basis.revision) of \(r.id), but \(why.en); make a new template (fieldsync template) and correct it there"))
        }
        guard head.revision < Limits.revision.upperBound else {
            return .failure(Problem(r.location, field: "based_on", zh: "“\(r.id)”的版本号已到上限", en: "\(r.id) has no revision left"))
        }
        r.revision = head.revision + 1
        return .success(try supersede(head, with: r))
    }

    /// A problem if `r` would change the kind, period or unit its id was first given.
    private func changesOwner(_ r: FieldsyncModel.Record, _ head: Head) -> Problem? {
        guard head.kind != r.kind.rawValue || head.period != r.period || head.unit != r.unit else { return nil }
        return Problem(r.location, field: "id",
                       zh: "编号“\(r.id)”已用于 \(head.kind)/\(head.period)/\(head.unit) 的记录,修订不能改变类别、期间或单位",
                       en: "id \(r.id) already belongs to a \(head.kind) record of \(head.period)/\(head.unit); a revision may not change kind, period or unit")
    }

    /// `r`, a higher revision than `head`, takes its place in force.
    private mutating func supersede(_ head: Head, with r: FieldsyncModel.Record) throws -> Change {
        try withStatement(retire) { stmt in
            bindText(stmt, 1, r.id)
            _ = try retire.stepOnce()
        }
        try store(r, .replacingHead)
        switch (head.entry, r.action) {
        case (let old?, .upsert): inForce.replace(old, with: InForceChanges.Entry(r))
        case (let old?, .retract): inForce.remove(old)
        case (nil, .upsert): inForce.add(r)
        case (nil, .retract): break
        }
        return r.action == .retract ? .retracted : .updated
    }

    /// Whether revision `revision` of `id` has the content of `r`; nil when there is none.
    private func storedRevision(_ revision: Int, of id: String, equals r: FieldsyncModel.Record) throws -> Bool? {
        try withStatement(exact) { stmt -> Bool? in
            bindText(stmt, 1, id)
            sqlite3_bind_int64(stmt, 2, Int64(revision))
            guard try exact.stepOnce() else { return nil }
            return stored(stmt, equals: r)
        }
    }

    /// Writes what the file changed of what is in force (``InForce``). Call once, after
    /// the last record, before the file's transaction commits.
    public mutating func finish() throws {
        guard !inForce.isEmpty else { return }
        try InForce.apply(inForce, db)
        inForce = InForceChanges()
    }

    /// The head of `id`; with its content (``Head/entry``) only when its revision is
    /// below `newRevision`, the one case that needs it: a known id sent again, the
    /// usual re-sent spreadsheet, costs no more than before.
    private func fetchHead(_ id: String, contentBelow newRevision: Int) throws -> Head? {
        try withStatement(head) { stmt in
            bindText(stmt, 1, id)
            guard try head.stepOnce() else { return nil }
            let revision = Int(sqlite3_column_int64(stmt, 0))
            let kind = columnText(stmt, 1) ?? "", period = columnText(stmt, 2) ?? "", unit = columnText(stmt, 3) ?? ""
            let action = columnText(stmt, 4) ?? ""
            var entry: InForceChanges.Entry?
            if revision < newRevision, action == RecordAction.upsert.rawValue, let parsed = RecordKind(rawValue: kind) {
                entry = InForceChanges.Entry(id: id, revision: revision, kind: parsed, period: period, unit: unit,
                                             indicator: columnText(stmt, 5), value: columnText(stmt, 6),
                                             deduction: columnText(stmt, 7), score: columnText(stmt, 8),
                                             respondents: columnInt(stmt, 9).map { Int(truncatingIfNeeded: $0) },
                                             observedAt: columnInt(stmt, 10) ?? 0, note: columnText(stmt, 11))
            }
            return Head(revision: revision, kind: kind, period: period, unit: unit, entry: entry,
                        basedOn: columnInt(stmt, 12).map { Int(truncatingIfNeeded: $0) },
                        savedAt: columnInt(stmt, 13).map { Timestamp(microseconds: $0) })
        }
    }

    /// Where ``store(_:_:)`` puts a revision.
    private enum Placement {
        /// In force, unless its id is known: then nothing is stored.
        case newUnlessKnown
        /// In force, as a new id's first revision.
        case new
        /// In force, in place of the id's head, which ``supersede(_:with:)`` has moved
        /// among the others.
        case replacingHead
        /// Among the others, not in force.
        case past
    }

    /// Stores a revision; false when SQLite left it out (`.newUnlessKnown`, a known id).
    @discardableResult
    private func store(_ r: FieldsyncModel.Record, _ placement: Placement) throws -> Bool {
        let insert = switch placement {
        case .newUnlessKnown: insertIfNew
        case .new: insertCurrent
        case .replacingHead: replaceHead
        case .past: insertPast
        }
        try arena.run(insert) { stmt in
            arena.bind(stmt, 1, r.id)
            sqlite3_bind_int64(stmt, 2, Int64(r.revision))
            sqlite3_bind_int64(stmt, 3, fileID)
            arena.bind(stmt, 4, r.location)
            arena.bind(stmt, 5, r.kind.rawValue)
            arena.bind(stmt, 6, r.action.rawValue)
            arena.bind(stmt, 7, r.period)
            arena.bind(stmt, 8, r.unit)
            arena.bind(stmt, 9, r.indicator)
            arena.bind(stmt, 10, r.value)
            arena.bind(stmt, 11, r.deduction)
            arena.bind(stmt, 12, r.score)
            if let n = r.respondents { sqlite3_bind_int64(stmt, 13, Int64(n)) } else { sqlite3_bind_null(stmt, 13) }
            sqlite3_bind_int64(stmt, 14, r.observedAt.microseconds)
            arena.bind(stmt, 15, r.note)
            arena.bind(stmt, 16, r.by)
            if let basis = r.basis { sqlite3_bind_int64(stmt, 17, Int64(basis.revision)) } else { sqlite3_bind_null(stmt, 17) }
            if let saved = r.basis?.savedAt { sqlite3_bind_int64(stmt, 18, saved.microseconds) } else { sqlite3_bind_null(stmt, 18) }
        }
        return sqlite3_changes(db.sqliteConnection) > 0
    }

    /// Whether the stored revision has the record's content, byte for byte: Swift's
    /// `==` on strings would call `é` and `e` + U+0301 the same, and SQLite would not.
    private func stored(_ stmt: OpaquePointer, equals r: FieldsyncModel.Record) -> Bool {
        sameText(stmt, 0, r.kind.rawValue) && sameText(stmt, 1, r.action.rawValue)
            && sameText(stmt, 2, r.period) && sameText(stmt, 3, r.unit)
            && sameText(stmt, 4, r.indicator) && sameText(stmt, 5, r.value)
            && sameText(stmt, 6, r.deduction) && sameText(stmt, 7, r.score)
            && columnInt(stmt, 8) == r.respondents.map(Int64.init)
            && columnInt(stmt, 9) == r.observedAt.microseconds
            && sameText(stmt, 10, r.note) && sameText(stmt, 11, r.by)
    }

    private func sameText(_ stmt: OpaquePointer, _ index: Int32, _ text: String?) -> Bool {
        let stored = columnText(stmt, index)
        guard let stored, let text else { return stored == nil && text == nil }
        return stored.utf8.elementsEqual(text.utf8)
    }

    // MARK: SQLite C API on GRDB's prepared statements

    /// Runs `body` on the statement and leaves it reset (no read
    /// left pending in the transaction), whatever happens. Every caller binds every
    /// parameter (NULL included), so no binding is cleared: each call into SQLite
    /// takes its connection mutex, and these run for every record of a file.
    private func withStatement<T>(_ statement: Statement, _ body: (OpaquePointer) throws -> T) throws -> T {
        let stmt = statement.sqliteStatement
        defer { sqlite3_reset(stmt) }
        return try body(stmt)
    }

    /// Binds text by its UTF-8 bytes and length: no C-string copy (Swift makes one for
    /// every small string passed as `char *`), SQLite copies the bytes (TRANSIENT).
    private func bindText(_ stmt: OpaquePointer, _ index: Int32, _ text: String?) {
        guard var text else {
            sqlite3_bind_null(stmt, index)
            return
        }
        text.withUTF8 { bytes in
            _ = bytes.withMemoryRebound(to: CChar.self) { chars in
                if let base = chars.baseAddress {
                    sqlite3_bind_text(stmt, index, base, Int32(chars.count), transient)
                } else {
                    sqlite3_bind_text(stmt, index, "", 0, transient)
                }
            }
        }
    }

    /// SQLITE_TRANSIENT: SQLite copies the bytes before the call returns.
    private let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    private func columnText(_ stmt: OpaquePointer, _ index: Int32) -> String? {
        guard sqlite3_column_type(stmt, index) != SQLITE_NULL, let p = sqlite3_column_text(stmt, index) else { return nil }
        return String(cString: p)
    }

    private func columnInt(_ stmt: OpaquePointer, _ index: Int32) -> Int64? {
        sqlite3_column_type(stmt, index) == SQLITE_NULL ? nil : sqlite3_column_int64(stmt, index)
    }
}
