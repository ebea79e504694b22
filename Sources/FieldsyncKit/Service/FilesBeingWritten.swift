import FieldsyncSystem
import Foundation
import Synchronization

/// Files in drop directories that a writer still has open, as inotify tells the
/// daemon: written to (`IN_MODIFY`) or created empty, and not yet closed. Such a file is
/// not read, however long its writer pauses: reading it would take half a file. Its
/// close (`IN_CLOSE_WRITE`) or its rename takes it off the list and queues it.
///
/// What the daemon cannot know it does not pretend to: after an inotify overflow, a
/// restart, or in poll mode, the list starts empty and a scan's quiet period is the
/// only guard left.
///
/// The list is published to `state_dir/writers.json` whenever it changes, so that
/// `fieldsync status`, another process, can show the files waiting on their writer.
final class FilesBeingWritten: Sendable {
    struct Entry: Hashable, Sendable {
        var source: String
        var name: FileName
    }

    private struct State {
        var since: [Entry: Timestamp] = [:]
        var changed = true
    }

    private let state = Mutex(State())

    /// The file's writer has it open (from `now`, if it was not listed yet).
    func open(_ entry: Entry, at now: Timestamp) {
        state.withLock { s in
            if s.since[entry] == nil {
                s.since[entry] = now
                s.changed = true
            }
        }
    }

    /// The file was closed, renamed in or away: true when it had been listed.
    @discardableResult
    func closed(_ entry: Entry) -> Bool {
        state.withLock { s in
            guard s.since.removeValue(forKey: entry) != nil else { return false }
            s.changed = true
            return true
        }
    }

    func contains(_ entry: Entry) -> Bool {
        state.withLock { $0.since[entry] != nil }
    }

    /// Forgets everything (events were lost; the quiet period guards from now on).
    func forgetAll() {
        state.withLock { s in
            if !s.since.isEmpty { s.changed = true }
            s.since = [:]
        }
    }

    /// Forgets the files of `source` that are no longer in its directory.
    func keep(only names: Set<FileName>, of source: String) {
        state.withLock { s in
            for entry in s.since.keys where entry.source == source && !names.contains(entry.name) {
                s.since[entry] = nil
                s.changed = true
            }
        }
    }

    /// Writes `state_dir/writers.json` if the list changed since the last call.
    func publishIfChanged(in directory: DirectoryHandle, now: Timestamp) throws {
        let snapshot: [Entry: Timestamp]? = state.withLock { s in
            guard s.changed else { return nil }
            s.changed = false
            return s.since
        }
        guard let snapshot else { return }
        let report = WritersReport(pid: getpid(), updatedAt: now, files: snapshot.map {
            WritersReport.File(source: $0.key.source, name: DropName.text($0.key.name) ?? DropName.escaped($0.key.name),
                               since: $0.value)
        })
        try directory.writeFile(WritersReport.fileName, contents: Array((report.json.rendered(pretty: true) + "\n").utf8))
    }
}
