import Foundation

/// How the daemon notices new files.
public enum WatchMode: String, Sendable, Hashable {
    /// Kernel events, plus a periodic rescan as a safety net.
    case inotify
    /// Rescans only: for NFS and SMB shares, where inotify does not see writes made by
    /// other hosts.
    case poll
}
