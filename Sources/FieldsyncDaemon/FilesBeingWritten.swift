import FieldsyncIntake
import FieldsyncProtocol
import FieldsyncSystem
import Foundation
import Synchronization

/// Files in drop directories that a writer still has open, as inotify tells the
/// daemon: written to (`IN_MODIFY`) and not yet closed (`IN_CLOSE_WRITE`). Such a file
/// is not read, however long its writer pauses: reading it would take half a file. Its
/// close, or its rename, takes it off the list and queues it.
///
/// A hold ends only with its file's close, rename or removal — never because time
/// passed, an event flood overflowed the queue, or a scan ran meanwhile. What inotify
/// cannot tell (a file truncated by path, a close lost in an overflow) leaves a hold
/// standing: `status` shows its age, the daemon warns once when it passes an hour, and a
/// restart ends it. What the daemon never saw (files open before it started, poll mode)
/// only the scans' quiet period guards.
///
/// The list is published to `state_dir/writers.json` whenever it changes, so that
/// `fieldsync status`, another process, can show the files waiting on their writer.
final class FilesBeingWritten: Sendable {
    struct Entry: Hashable, Sendable {
        var source: String
        var name: FileName
    }

    private struct Hold {
        var since: Timestamp
        /// The file written to; a hold for a name that now names another file ends.
        var identity: FileStatus.Identity?
        var warned = false
    }

    private struct State {
        var holds: [Entry: Hold] = [:]
        var changed = true
    }

    /// Most files listed in `writers.json` (the rest are counted).
    static let publishedLimit = 200

    private let state = Mutex(State())

    /// The file's writer has it open (from `now`, if it was not listed yet).
    func open(_ entry: Entry, identity: FileStatus.Identity?, at now: Timestamp) {
        state.withLock { s in
            if s.holds[entry] == nil {
                s.holds[entry] = Hold(since: now, identity: identity)
                s.changed = true
            }
        }
    }

    /// The file was closed or renamed in: true when it had been listed.
    @discardableResult
    func closed(_ entry: Entry) -> Bool {
        state.withLock { s in
            guard s.holds.removeValue(forKey: entry) != nil else { return false }
            s.changed = true
            return true
        }
    }

    func contains(_ entry: Entry) -> Bool {
        state.withLock { $0.holds[entry] != nil }
    }

    /// Ends the holds of `source` whose file is gone or is another file now, as a
    /// listing begun at `listedAt` saw the directory. A hold made after the listing
    /// began is kept: the listing may predate its file.
    func prune(source: String, present: [FileName: FileStatus.Identity], listedAt: Timestamp) {
        state.withLock { s in
            for (entry, hold) in s.holds where entry.source == source && hold.since < listedAt {
                let now = present[entry.name]
                if now == nil || (hold.identity != nil && now != hold.identity) {
                    s.holds[entry] = nil
                    s.changed = true
                }
            }
        }
    }

    /// Holds older than `age` not reported before, each reported once.
    func overdue(_ age: Duration, now: Timestamp) -> [(Entry, Timestamp)] {
        state.withLock { s in
            var due: [(Entry, Timestamp)] = []
            for (entry, hold) in s.holds where !hold.warned && now.microseconds - hold.since.microseconds >= age.microseconds {
                s.holds[entry]?.warned = true
                due.append((entry, hold.since))
            }
            return due
        }
    }

    /// Writes `state_dir/writers.json` if the list changed since the last call.
    func publishIfChanged(in directory: DirectoryHandle, now: Timestamp) throws {
        let snapshot: [Entry: Hold]? = state.withLock { s in
            guard s.changed else { return nil }
            s.changed = false
            return s.holds
        }
        guard let snapshot else { return }
        let files = snapshot.sorted { $0.value.since < $1.value.since }.prefix(FilesBeingWritten.publishedLimit).map {
            WritersReport.File(source: $0.key.source, name: DropName.escaped($0.key.name), since: $0.value.since)
        }
        let report = WritersReport(pid: getpid(), updatedAt: now, files: Array(files),
                                   more: max(0, snapshot.count - FilesBeingWritten.publishedLimit))
        try directory.writeFile(WritersReport.fileName, contents: Array((report.json.rendered(pretty: true) + "\n").utf8))
    }
}

extension Duration {
    /// Whole microseconds (saturating far beyond any duration used here).
    var microseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds.multipliedReportingOverflow(by: 1_000_000).overflow ? .max : seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }
}
