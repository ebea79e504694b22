import Glibc

/// One entry of a directory listing.
public struct DirectoryEntry: Sendable, Hashable {
    public var name: FileName
    /// The type `readdir` reported, when the file system reports one (`d_type`); check
    /// with ``DirectoryHandle/status(of:)`` before acting on it.
    public var kind: FileStatus.Kind?

    init(name: FileName, type: UInt8) {
        self.name = name
        switch Int32(type) {
        case Int32(DT_REG): kind = .regular
        case Int32(DT_DIR): kind = .directory
        case Int32(DT_LNK): kind = .symbolicLink
        case Int32(DT_FIFO): kind = .fifo
        case Int32(DT_SOCK): kind = .socket
        case Int32(DT_CHR): kind = .characterDevice
        case Int32(DT_BLK): kind = .blockDevice
        default: kind = nil
        }
    }
}
