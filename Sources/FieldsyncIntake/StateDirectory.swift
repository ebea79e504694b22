import FieldsyncSystem
import Glibc

/// The parts of `state_dir` intake writes files in, held open: `incoming/`, where a
/// dropped file is copied before it is read, and `archive/SOURCE/DAY/`, where the copy
/// of an accepted file is kept.
///
/// Nobody but the daemon can write under `state_dir`; it is held by descriptor all the
/// same, so that intake has one way of touching files, the `*at()` calls.
final class StateDirectory: Sendable {
    let root: DirectoryHandle
    let incoming: DirectoryHandle
    private let archive: DirectoryHandle

    static let incomingName = FileName("incoming")!
    static let archiveName = FileName("archive")!

    /// Opens `path` (which must exist) and its `incoming/` and `archive/`, making them
    /// when missing, and removes half-made copies a killed process left in `incoming/`.
    init(path: String) throws(SystemCallError) {
        root = try DirectoryHandle.open(path: path)
        incoming = try Self.directory(StateDirectory.incomingName, in: root)
        archive = try Self.directory(StateDirectory.archiveName, in: root)
        for entry in try incoming.entries() {
            try? incoming.removeFile(entry.name)
        }
    }

    /// `archive/source/day/`, made when missing. Source names are single path
    /// components (the configuration checks them).
    func archiveDirectory(source: String, day: String) throws(SystemCallError) -> DirectoryHandle {
        guard let sourceName = FileName(source), let dayName = FileName(day) else {
            throw SystemCallError("mkdirat", subject: "archive/\(source)/\(day)", errno: EINVAL)
        }
        return try Self.directory(dayName, in: Self.directory(sourceName, in: archive))
    }

    /// The subdirectory `name` of `parent`, made when missing — and then `parent` synced:
    /// a new day's first archived copy is said to be kept (its receipt) once the copy and
    /// its directory are synced, and that directory's own entry must be durable too,
    /// whether the group's copies are synced by their file system or one by one.
    private static func directory(_ name: FileName, in parent: DirectoryHandle) throws(SystemCallError) -> DirectoryHandle {
        if try parent.makeDirectory(name, permissions: 0o750) { try parent.sync() }
        return try parent.openDirectory(name)
    }
}
