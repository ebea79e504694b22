import FieldsyncModel
import GRDB
import GRDBSQLite

/// Runs hand-bound statements whose text is copied side by side into buffers that live
/// as long as the arena, and bound from there without SQLite's own copy
/// (`SQLITE_STATIC`).
///
/// Binding a Swift string's bytes with `SQLITE_TRANSIENT` costs SQLite a `malloc` and a
/// `free` per text parameter — a dozen per revision, millions for a large file; a
/// `memcpy` into a buffer reused row after row costs nothing measurable. Bytes once
/// bound never move: when a buffer is full the next is allocated beside it, so no caller
/// has to say beforehand how much a row will need. When the arena goes, the statements
/// it ran forget their bindings, so that nothing can read the freed buffers through them.
final class BindArena {
    /// Full buffers of the current row, then the one being filled (the last).
    private var buffers: [UnsafeMutableRawBufferPointer]
    private var used = 0
    /// Kept alive (not finalized) until their bindings are cleared.
    private let statements: [Statement]

    init(for statements: [Statement], capacity: Int = 4096) {
        self.statements = statements
        buffers = [.allocate(byteCount: capacity, alignment: 8)]
    }

    deinit {
        for statement in statements { sqlite3_clear_bindings(statement.sqliteStatement) }
        for buffer in buffers { buffer.deallocate() }
    }

    /// Runs `statement` once: resets it (GRDB leaves a statement it ran un-reset, and
    /// SQLite binds nothing to that), lets `bind` bind every parameter — text through
    /// this arena — steps it and resets it again. True when it gave a row.
    @discardableResult
    func run(_ statement: Statement, _ bind: (OpaquePointer) -> Void) throws -> Bool {
        precondition(statements.contains { $0 === statement }, "a statement the arena clears when it goes")
        let stmt = statement.sqliteStatement
        sqlite3_reset(stmt)
        startRow()
        bind(stmt)
        defer { sqlite3_reset(stmt) }
        return try statement.stepOnce()
    }

    /// Binds `text` (NULL for nil) at `index` of `stmt` from a copy in the arena.
    func bind(_ stmt: OpaquePointer, _ index: Int32, _ text: String?) {
        guard let text else {
            sqlite3_bind_null(stmt, index)
            return
        }
        let count = text.utf8.count
        let start = room(for: count)
        let copied = text.utf8.withContiguousStorageIfAvailable { bytes in
            if let base = bytes.baseAddress { start.copyMemory(from: base, byteCount: bytes.count) }
        }
        if copied == nil {
            for (i, byte) in text.utf8.enumerated() { start.storeBytes(of: byte, toByteOffset: i, as: UInt8.self) }
        }
        bindBytes(stmt, index, start, count)
    }

    /// Binds where a record stood: the usual `line N` written digit by digit, without
    /// making a String for it.
    func bind(_ stmt: OpaquePointer, _ index: Int32, _ location: RecordLocation) {
        guard case .line(let n) = location, n >= 0 else { return bind(stmt, index, location.description) }
        var digits = 1, rest = n / 10
        while rest > 0 { digits += 1; rest /= 10 }
        let prefix: StaticString = "line "
        let start = room(for: prefix.utf8CodeUnitCount + digits)
        start.copyMemory(from: prefix.utf8Start, byteCount: prefix.utf8CodeUnitCount)
        var value = n
        for i in stride(from: prefix.utf8CodeUnitCount + digits - 1, through: prefix.utf8CodeUnitCount, by: -1) {
            start.storeBytes(of: UInt8(truncatingIfNeeded: 0x30 + value % 10), toByteOffset: i, as: UInt8.self)
            value /= 10
        }
        bindBytes(stmt, index, start, prefix.utf8CodeUnitCount + digits)
    }

    /// A new row: the buffers are reused from the start (one, as large as the last row
    /// needed, if it took several).
    private func startRow() {
        if buffers.count > 1 {
            let needed = buffers.dropLast().reduce(used) { $0 + $1.count }
            for buffer in buffers { buffer.deallocate() }
            buffers = [.allocate(byteCount: max(needed, 4096), alignment: 8)]
        }
        used = 0
    }

    /// Where `count` bytes go: after the last ones, or in a new buffer beside the full one.
    private func room(for count: Int) -> UnsafeMutableRawPointer {
        if used + count > buffers[buffers.count - 1].count {
            buffers.append(.allocate(byteCount: max(count, 4096), alignment: 8))
            used = 0
        }
        defer { used += count }
        return buffers[buffers.count - 1].baseAddress! + used
    }

    private func bindBytes(_ stmt: OpaquePointer, _ index: Int32, _ start: UnsafeMutableRawPointer, _ count: Int) {
        // A non-null pointer even for an empty text: SQLite binds an empty string then, not NULL.
        let code = sqlite3_bind_text(stmt, index, start.assumingMemoryBound(to: CChar.self), Int32(count), nil)
        // As GRDB does: a bind fails only on a misuse (a statement not reset), and a
        // value silently left NULL must never be stored.
        guard code == SQLITE_OK else {
            fatalError("sqlite3_bind_text(\(index)) failed with \(code): \(String(cString: sqlite3_errstr(code)))")
        }
    }
}

extension Statement {
    /// One `sqlite3_step` on the C API, for statements bound by hand: true for a row,
    /// false when done; a failure throws as GRDB would. The caller resets.
    func stepOnce() throws -> Bool {
        switch sqlite3_step(sqliteStatement) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let code:
            throw DatabaseError(resultCode: ResultCode(rawValue: code),
                                message: String(cString: sqlite3_errmsg(sqlite3_db_handle(sqliteStatement))),
                                sql: sql)
        }
    }
}
