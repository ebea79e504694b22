import Glibc

/// What `stat(2)` says of a file, in the terms fieldsync decides by: what kind of entry
/// it is, who owns it, how many names it has, and whether it changed.
public struct FileStatus: Sendable, Hashable {
    /// The type bits of `st_mode`.
    public enum Kind: Sendable, Hashable {
        case regular, directory, symbolicLink, fifo, socket, characterDevice, blockDevice, unknown

        init(mode: mode_t) {
            switch mode & S_IFMT {
            case S_IFREG: self = .regular
            case S_IFDIR: self = .directory
            case S_IFLNK: self = .symbolicLink
            case S_IFIFO: self = .fifo
            case S_IFSOCK: self = .socket
            case S_IFCHR: self = .characterDevice
            case S_IFBLK: self = .blockDevice
            default: self = .unknown
            }
        }
    }

    /// A file's identity on this machine: the same pair is the same file, whatever its name.
    public struct Identity: Sendable, Hashable {
        public var device: UInt64
        public var inode: UInt64

        public init(device: UInt64, inode: UInt64) {
            self.device = device
            self.inode = inode
        }
    }

    /// A file time as the kernel keeps it: seconds and nanoseconds since the epoch.
    public struct Time: Sendable, Hashable, Comparable {
        public var seconds: Int64
        public var nanoseconds: Int64

        /// Seconds are clamped to ±4.6 × 10¹² (±146,000 years): a file system may store
        /// any 64-bit time a user sets, and microseconds — and differences of them —
        /// must not overflow.
        static let secondsLimit: Int64 = (Int64.max / 2) / 1_000_000 - 1

        init(_ t: timespec) {
            seconds = min(max(Int64(t.tv_sec), -Time.secondsLimit), Time.secondsLimit)
            nanoseconds = Int64(t.tv_nsec)
        }

        public static func < (a: Time, b: Time) -> Bool {
            (a.seconds, a.nanoseconds) < (b.seconds, b.nanoseconds)
        }

        /// Microseconds since the epoch (the precision fieldsync keeps times in).
        public var microseconds: Int64 { seconds * 1_000_000 + nanoseconds / 1000 }
    }

    public var kind: Kind
    public var identity: Identity
    /// The number of names (hard links) the file has.
    public var linkCount: UInt64
    public var owner: uid_t
    public var group: gid_t
    /// The permission bits, with setuid, setgid and sticky.
    public var permissions: mode_t
    public var size: Int64
    /// When its content last changed (`st_mtim`).
    public var modified: Time
    /// When its content or its inode last changed (`st_ctim`): a rename or a chmod
    /// changes this, not `modified`.
    public var changed: Time

    init(_ st: stat) {
        kind = Kind(mode: st.st_mode)
        identity = Identity(device: UInt64(st.st_dev), inode: UInt64(st.st_ino))
        linkCount = UInt64(st.st_nlink)
        owner = st.st_uid
        group = st.st_gid
        permissions = st.st_mode & 0o7777
        size = Int64(st.st_size)
        modified = Time(st.st_mtim)
        changed = Time(st.st_ctim)
    }

    /// Whether the file's content may differ from when `earlier` was taken of the same
    /// file: its size, modification or change time moved.
    public func differsInContent(from earlier: FileStatus) -> Bool {
        size != earlier.size || modified != earlier.modified || changed != earlier.changed
    }
}
