import GRDB
import GRDBSQLite

/// The text of one row, copied side by side into one buffer that lives as long as the
/// statement runs, and bound from there without SQLite's own copy (`SQLITE_STATIC`).
///
/// Binding a Swift string's bytes with `SQLITE_TRANSIENT` costs SQLite a `malloc` and a
/// `free` per text parameter — a dozen per revision, millions for a large file; one
/// `memcpy` into a buffer reused row after row costs nothing measurable. The bytes stay
/// put until the next ``reset(capacity:)``, which the caller makes only after the
/// statement has stepped. When the arena goes, the statements bound from it forget
/// those bindings, so that nothing can read the freed buffer through them.
final class BindArena {
    private var buffer: UnsafeMutableRawBufferPointer
    private var used = 0
    /// Kept alive (not finalized) until their bindings are cleared.
    private let statements: [Statement]

    init(for statements: [Statement], capacity: Int = 4096) {
        self.statements = statements
        buffer = .allocate(byteCount: capacity, alignment: 8)
    }

    deinit {
        for statement in statements { sqlite3_clear_bindings(statement.sqliteStatement) }
        buffer.deallocate()
    }

    /// Empties the arena for the next row, with room for `capacity` bytes: pointers into
    /// it from before are no longer valid.
    func reset(capacity: Int) {
        used = 0
        if capacity > buffer.count {
            buffer.deallocate()
            buffer = .allocate(byteCount: max(capacity, buffer.count * 2), alignment: 8)
        }
    }

    /// Binds `text` (NULL for nil) at `index` of `stmt` from a copy in the arena; the
    /// arena must have room for it (``reset(capacity:)``).
    func bind(_ stmt: OpaquePointer, _ index: Int32, _ text: String?) {
        guard let text else {
            sqlite3_bind_null(stmt, index)
            return
        }
        let start = used
        let copied = text.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            guard let base = bytes.baseAddress else { return true }
            (buffer.baseAddress! + start).copyMemory(from: base, byteCount: bytes.count)
            used += bytes.count
            return true
        }
        if copied == nil {
            for byte in text.utf8 {
                buffer[used] = byte
                used += 1
            }
        }
        bindBytes(stmt, index, from: start)
    }

    /// Binds `prefix` followed by the decimal digits of `n` (≥ 0) — a record's `line N`
    /// without making a String for it.
    func bind(_ stmt: OpaquePointer, _ index: Int32, _ prefix: StaticString, _ n: Int) {
        let start = used
        prefix.withUTF8Buffer { bytes in
            (buffer.baseAddress! + start).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
            used += bytes.count
        }
        var digits = 1, rest = n / 10
        while rest > 0 { digits += 1; rest /= 10 }
        var value = n
        for i in stride(from: used + digits - 1, through: used, by: -1) {
            buffer[i] = UInt8(truncatingIfNeeded: 0x30 + value % 10)
            value /= 10
        }
        used += digits
        bindBytes(stmt, index, from: start)
    }

    /// Steps `statement`, bound from this arena. Stepping through the arena keeps it
    /// alive until the statement has run: a local arena's lifetime may otherwise end
    /// after its last bind — and its deinit clear the bindings — before the step.
    func step(_ statement: Statement) throws -> Bool {
        try withExtendedLifetime(self) { try statement.stepOnce() }
    }

    private func bindBytes(_ stmt: OpaquePointer, _ index: Int32, from start: Int) {
        // A non-null pointer even for an empty text: SQLite binds an empty string then, not NULL.
        let base = (buffer.baseAddress! + start).assumingMemoryBound(to: CChar.self)
        let code = sqlite3_bind_text(stmt, index, base, Int32(used - start), nil)
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
