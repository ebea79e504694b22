#ifndef CSQLITETUNING_H
#define CSQLITETUNING_H

/// Puts SQLite in multi-thread mode (no per-call connection mutex) and turns off its
/// memory statistics, before any connection opens. GRDB already serializes every use
/// of a connection, and only supports this mode; Debian's SQLite defaults to
/// serialized mode, whose mutex is taken on every bind and step — a tenth of a large
/// file's intake. `sqlite3_config` is variadic and cannot be called from Swift.
/// Returns SQLITE_OK, or SQLITE_MISUSE when SQLite was already initialized (harmless:
/// the defaults stay).
int fs_sqlite_prefer_multithread(void);

#endif
