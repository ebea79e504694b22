/// What a ``DirectoryWatcher`` tells its consumer.
///
/// Deliberately coarse: the daemon never trusts an event as the whole truth, it only
/// takes it as a cue to look. A `.file` says "this name in this directory may now be
/// complete"; `.modified` says "a writer may still have it open";
/// `.overflow` says "events were lost, look at everything again"; `.directoryGone`
/// says "this watch is dead, the directory must be found and re-added".
public enum WatchEvent: Sendable, Hashable {
    /// A file was closed after writing (`IN_CLOSE_WRITE`) or renamed into the directory
    /// (`IN_MOVED_TO`). `directory` is the path exactly as passed to
    /// ``DirectoryWatcher/add(directory:)``; `name` is the entry's name in it.
    /// Subdirectories are not reported.
    case file(directory: String, name: FileName)

    /// A file was written to (`IN_MODIFY`): whoever wrote it still has it open until
    /// the `.file` of its close. Reported once per writer: the next `.modified` of the
    /// name comes after its `.file`, its removal, or an `.overflow`.
    case modified(directory: String, name: FileName)

    /// Events were lost: the kernel queue overflowed (`IN_Q_OVERFLOW`) or the consumer
    /// fell behind the watcher's bounded buffer. The caller must rescan every watched
    /// directory (and check that each still exists).
    case overflow

    /// The watched directory was deleted, moved away or unmounted; its watch is gone.
    /// Carries the path as it was added. Re-add it once it exists again.
    case directoryGone(String)
}
