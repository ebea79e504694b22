import FieldsyncProtocol
import FieldsyncSystem

/// A file waiting in a drop directory, as listed before it is processed.
public struct WaitingFile: Sendable, Hashable {
    public var name: FileName
    /// Its modification time (a writer may still be adding to a recent one).
    public var modified: Timestamp
    /// What kind of entry it is: anything but a regular file will be refused.
    public var kind: FileStatus.Kind
    public var identity: FileStatus.Identity

    public init(name: FileName, modified: Timestamp, kind: FileStatus.Kind, identity: FileStatus.Identity) {
        self.name = name
        self.modified = modified
        self.kind = kind
        self.identity = identity
    }

    public var isRegular: Bool { kind == .regular }

    /// How long ago it was last modified (negative for a clock ahead of ours).
    public func age(at now: Timestamp) -> Duration {
        .microseconds(now.microseconds - modified.microseconds)
    }

    /// Whether it is a regular file modified within `quiet` of `now`. A scan cannot
    /// tell a finished file from one a writer still has open (a writer that writes in
    /// place, a slow upload): reading it then would take half a file. An mtime further
    /// in the future than `quiet` (a writer's clock far ahead) does not count, so such
    /// a file is not held back for ever.
    public func modifiedRecently(within quiet: Duration, now: Timestamp) -> Bool {
        let age = age(at: now)
        return isRegular && age < quiet && age > .zero - quiet
    }
}
