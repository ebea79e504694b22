import FieldsyncModel

/// What became of one file in a drop directory.
public enum FileOutcome: Sendable {
    case accepted(Receipt)
    case rejected(Problems)
    /// Not answered: its source's answer channel is broken (``DropDirectoryFault``).
    /// The file stays where it is until the operator repairs the channel.
    case unanswered(DropDirectoryFault)
    /// Not read yet: modified this long ago, within the quiet period, so a writer may
    /// still be at it (``Intake/ingestAll(quietPeriod:)``).
    case tooRecent(age: Duration)
    /// Not read, nothing to answer now: a temporary name, a directory, a file that
    /// vanished or changed while it was read (it is read again later).
    case skipped
}
