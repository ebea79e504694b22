import CLinux
import Glibc

/// An open directory, and every operation fieldsync makes inside one, relative to it.
///
/// A drop directory is writable by the people whose files it receives. A path string
/// would be resolved again at every use, and anyone who can rename an entry along it
/// (`rejected/` swapped for a symbolic link to the store) could send the daemon's next
/// write anywhere. A handle is resolved once: every open, rename, unlink and mkdir
/// below goes through the `*at()` calls on its descriptor, names are single entries
/// (a ``FileName`` cannot hold `/`), and nothing follows a symbolic link.
public final class DirectoryHandle: Sendable {
    /// The descriptor (`O_DIRECTORY`); valid for as long as this object lives.
    public let descriptor: Int32
    /// The path it was opened by — for messages only, never opened again.
    public let path: String

    private init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    deinit { SystemCall.close(descriptor) }

    /// Opens the directory at `path`. With `followingLinks: false` (the default), a
    /// symbolic link as the last component is refused (`ENOTDIR`, see
    /// ``openDirectory(_:)``); the components before it are the operator's
    /// configuration and resolve as usual.
    public static func open(path: String, followingLinks: Bool = false) throws(SystemCallError) -> DirectoryHandle {
        let flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC | (followingLinks ? 0 : O_NOFOLLOW)
        let fd = try SystemCall.retrying("open", path) { Glibc.open(path, flags) }
        return DirectoryHandle(descriptor: fd, path: path)
    }

    /// The subdirectory `name`, never through a symbolic link. Fails with `ENOTDIR`
    /// when `name` is not a directory — a symbolic link included: Linux checks
    /// `O_DIRECTORY` before `O_NOFOLLOW`.
    public func openDirectory(_ name: FileName) throws(SystemCallError) -> DirectoryHandle {
        let fd = try name.withCString { (cName) throws(SystemCallError) in
            try SystemCall.retrying("openat", subject(name)) {
                openat(descriptor, cName, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            }
        }
        return DirectoryHandle(descriptor: fd, path: subject(name))
    }

    /// Creates the subdirectory `name`. False when an entry of that name already exists
    /// (whatever it is: the caller opens it and checks).
    @discardableResult
    public func makeDirectory(_ name: FileName, permissions: mode_t) throws(SystemCallError) -> Bool {
        do {
            _ = try name.withCString { (cName) throws(SystemCallError) in
                try SystemCall.retrying("mkdirat", subject(name)) { mkdirat(descriptor, cName, permissions) }
            }
            return true
        } catch where error.errno == EEXIST {
            return false
        }
    }

    /// The subdirectory `name`, created first if there is no entry of that name.
    public func openOrMakeDirectory(_ name: FileName, permissions: mode_t) throws(SystemCallError) -> DirectoryHandle {
        try makeDirectory(name, permissions: permissions)
        return try openDirectory(name)
    }

    /// What the directory itself is (`fstat` on the descriptor).
    public func status() throws(SystemCallError) -> FileStatus {
        var st = stat()
        _ = try SystemCall.retrying("fstat", path) { fstat(descriptor, &st) }
        return FileStatus(st)
    }

    /// What the entry `name` is, without following it if it is a link; nil when there
    /// is no such entry.
    public func status(of name: FileName) throws(SystemCallError) -> FileStatus? {
        var st = stat()
        do {
            _ = try name.withCString { (cName) throws(SystemCallError) in
                try SystemCall.retrying("fstatat", subject(name)) { fstatat(descriptor, cName, &st, AT_SYMLINK_NOFOLLOW) }
            }
        } catch where error.errno == ENOENT {
            return nil
        }
        return FileStatus(st)
    }

    /// Opens `name` for reading without following a link (`ELOOP`), without blocking on
    /// a FIFO, and without making a terminal the controlling one. The caller checks
    /// what it opened with ``OpenFile/status()``.
    public func openForReading(_ name: FileName) throws(SystemCallError) -> OpenFile {
        let fd = try name.withCString { (cName) throws(SystemCallError) in
            try SystemCall.retrying("openat", subject(name)) {
                openat(descriptor, cName, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
            }
        }
        return OpenFile(descriptor: fd, subject: subject(name))
    }

    /// Creates the new file `name` for writing; `EEXIST` when any entry has that name.
    /// Its mode is `permissions` exactly, whatever the umask: a file another user must
    /// read (a receipt for a clerk's group, metrics for node_exporter) is readable.
    public func createFile(_ name: FileName, permissions: mode_t) throws(SystemCallError) -> OpenFile {
        let fd = try name.withCString { (cName) throws(SystemCallError) in
            try SystemCall.retrying("openat", subject(name)) {
                openat(descriptor, cName, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, permissions)
            }
        }
        let file = OpenFile(descriptor: fd, subject: subject(name))
        _ = try SystemCall.retrying("fchmod", subject(name)) { fchmod(fd, permissions) }
        return file
    }

    /// Renames the entry `name` to `newName` in `directory` (which may be this one).
    /// With `replacing`, an entry of that name there is replaced; without, the rename
    /// fails with `EEXIST` instead, atomically (`RENAME_NOREPLACE`). Links are renamed,
    /// never followed.
    public func rename(_ name: FileName, to directory: DirectoryHandle, as newName: FileName,
                       replacing: Bool = true) throws(SystemCallError) {
        let what = subject(name) + " → " + directory.subject(newName)
        _ = try name.withCString { (from) throws(SystemCallError) in
            try newName.withCString { (to) throws(SystemCallError) in
                if replacing {
                    try SystemCall.retrying("renameat", what) { renameat(descriptor, from, directory.descriptor, to) }
                } else {
                    try SystemCall.retrying("renameat2", what) { fs_renameat_noreplace(descriptor, from, directory.descriptor, to) }
                }
            }
        }
    }

    /// Removes the entry `name` (not a directory).
    public func removeFile(_ name: FileName) throws(SystemCallError) {
        _ = try name.withCString { (cName) throws(SystemCallError) in
            try SystemCall.retrying("unlinkat", subject(name)) { unlinkat(descriptor, cName, 0) }
        }
    }

    /// Makes durable everything written on the file system this directory is on —
    /// files' contents and every directory's entries (syncfs(2)): what a group of files
    /// needs, in one call instead of an fsync per file.
    public func syncFileSystem() throws(SystemCallError) {
        _ = try SystemCall.retrying("syncfs", path) { fs_syncfs(descriptor) }
    }

    /// Makes the directory's entries durable: a rename or a new file survives a power
    /// cut only once its directory is synced.
    public func sync() throws(SystemCallError) {
        _ = try SystemCall.retrying("fsync", path) { fsync(descriptor) }
    }

    /// Writes `contents` as the file `name`, atomically: a new temporary file in this
    /// directory, synced, renamed over `name`, the directory synced. A reader sees the
    /// old file or the new one, never a part; a link planted under `name` is replaced,
    /// not written through. With `syncFile` and `syncDirectory` false, the contents and
    /// the rename are durable only once the caller syncs the file system
    /// (``syncFileSystem()``: one call for many files).
    public func writeFile(_ name: FileName, contents: [UInt8], permissions: mode_t = 0o640,
                          syncFile: Bool = true, syncDirectory: Bool = true) throws(SystemCallError) {
        let temporary = DirectoryHandle.temporaryName()
        let file = try createFile(temporary, permissions: permissions)
        do {
            try file.write(contents)
            if syncFile { try file.sync() }
            try rename(temporary, to: self, as: name)
        } catch {
            try? removeFile(temporary)
            throw error
        }
        if syncDirectory { try sync() }
    }

    /// ``writeFile(_:contents:permissions:syncFile:syncDirectory:)`` for a path: the file
    /// named by its last component, in the directory named by the rest (which must exist;
    /// links in it are followed, as a path given by an operator means).
    public static func writeFile(atPath path: String, contents: [UInt8], permissions: mode_t,
                                 syncFile: Bool = true, syncDirectory: Bool = true) throws(SystemCallError) {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        guard let name = FileName(String(path[(slash.map { path.index(after: $0) } ?? path.startIndex)...])) else {
            throw SystemCallError("open", subject: path, errno: EINVAL)
        }
        try DirectoryHandle.open(path: directory.isEmpty ? "/" : directory, followingLinks: true)
            .writeFile(name, contents: contents, permissions: permissions, syncFile: syncFile, syncDirectory: syncDirectory)
    }

    /// The entries of the directory, `.` and `..` left out, in the order the file
    /// system gives them.
    public func entries() throws(SystemCallError) -> [DirectoryEntry] {
        // A descriptor of its own: `fdopendir` takes it over, and its offset must not be
        // shared with other listings of this directory.
        let fd = try SystemCall.retrying("openat", path) { openat(descriptor, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        guard let stream = fdopendir(fd) else {
            let error = SystemCallError("fdopendir", subject: path)
            SystemCall.close(fd)
            throw error
        }
        defer { closedir(stream) }
        var entries: [DirectoryEntry] = []
        while true {
            errno = 0
            guard let entry = readdir(stream) else {
                if errno != 0 { throw SystemCallError("readdir", subject: path) }
                return entries
            }
            let bytes = withUnsafeBytes(of: &entry.pointee.d_name) { raw in Array(raw.prefix { $0 != 0 }) }
            guard let name = FileName(bytes: bytes) else { continue }  // "." and ".."
            entries.append(DirectoryEntry(name: name, type: entry.pointee.d_type))
        }
    }

    /// A name for a file that is being written: starts with a dot (so nothing reads it
    /// as a drop), random, short enough beside any other name.
    public static func temporaryName() -> FileName {
        FileName(temporaryPrefix + String(UInt64.random(in: .min ... .max), radix: 16) + ".tmp")!
    }

    /// Whether `name` is one ``temporaryName()`` made.
    public static func isTemporaryName(_ name: FileName) -> Bool {
        name.bytes.starts(with: temporaryPrefix.utf8) && name.bytes.reversed().starts(with: ".tmp".utf8.reversed())
    }

    private static let temporaryPrefix = ".fieldsync-"

    /// `path/name`, for messages.
    func subject(_ name: FileName) -> String {
        path + "/" + name.description
    }
}
