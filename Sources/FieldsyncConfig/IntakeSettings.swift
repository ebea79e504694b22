import Foundation

/// The `[intake]` table.
public struct IntakeSettings: Sendable, Hashable {
    public var watch: WatchMode = .inotify
    public var pollInterval: Duration = .seconds(5)
    public var maxFileSize: Int64 = 64 << 20

    public init(watch: WatchMode = .inotify, pollInterval: Duration = .seconds(5), maxFileSize: Int64 = 64 << 20) {
        self.watch = watch
        self.pollInterval = pollInterval
        self.maxFileSize = maxFileSize
    }
}
