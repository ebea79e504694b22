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
        incoming = try root.openOrMakeDirectory(StateDirectory.incomingName, permissions: 0o750)
        archive = try root.openOrMakeDirectory(StateDirectory.archiveName, permissions: 0o750)
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
        return try archive.openOrMakeDirectory(sourceName, permissions: 0o750)
            .openOrMakeDirectory(dayName, permissions: 0o750)
    }
}
