import Foundation
import Glibc
import Synchronization

/// Watches drop directories with inotify and hands the events to async code.
///
/// What it reports (see ``WatchEvent``): a file closed after writing or renamed in,
/// which is exactly when a writer that drops with write-then-rename, or one that simply
/// writes and closes, is done; a file being written (its first `IN_MODIFY` until it is
/// closed), so that a file a writer still has open is left alone; an
/// overflow, when events were lost; and the end of a watch, when a directory is
/// deleted, moved away or unmounted. Files created before a
/// directory was added produce no event: callers scan a directory after adding it.
///
/// How: one inotify instance for all directories (`IN_NONBLOCK | IN_CLOEXEC`), read by a
/// dedicated thread that sleeps in `poll(2)` on the inotify descriptor and on a wake-up
/// socket, so it costs nothing while idle and ``stop()`` takes effect at once. Events go
/// into an `AsyncStream` with a bounded buffer: a consumer that falls behind does not
/// make memory grow, it receives ``WatchEvent/overflow`` (rescan) instead of what was
/// dropped.
///
/// The watcher stops when ``stop()`` is called, when the consumer stops iterating
/// ``events`` (e.g. its task is cancelled), or when the watcher is deallocated: keep it
/// alive for as long as you consume its events.
public final class DirectoryWatcher: Sendable {
    /// The events, in kernel order. Iterate from one task only.
    public let events: AsyncStream<WatchEvent>

    private let core: Core

    /// Events the kernel reports for a watched directory: completed files, files being
    /// written (and removed or renamed away, to forget them), and the directory's own end. `IN_IGNORED`, `IN_UNMOUNT` and
    /// `IN_Q_OVERFLOW` are always reported and need no bit. `IN_ONLYDIR` refuses anything
    /// but a directory and `IN_DONT_FOLLOW` a symbolic link in its place; `IN_EXCL_UNLINK`
    /// drops events for entries already unlinked (a temp file removed before close is of
    /// no interest).
    static let watchMask: UInt32 = UInt32(
        IN_CLOSE_WRITE | IN_MOVED_TO | IN_MODIFY | IN_DELETE | IN_MOVED_FROM | IN_DELETE_SELF | IN_MOVE_SELF
            | IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK
    )

    /// Creates the inotify instance and starts the reader thread.
    ///
    /// - Parameter bufferLimit: how many events may wait for the consumer before the
    ///   oldest are dropped and an ``WatchEvent/overflow`` is delivered in their place.
    /// - Throws: ``SystemCallError`` when inotify or the wake-up socket cannot be created
    ///   (e.g. `EMFILE` when `fs.inotify.max_user_instances` is exhausted).
    public convenience init(bufferLimit: Int = 4096) throws {
        try self.init(bufferLimit: bufferLimit, startReading: true)
    }

    /// As the public initialiser, but with `startReading: false` the reader thread is
    /// only started by ``startReading()``. Tests use this to let the kernel queue fill up
    /// while nothing reads it.
    init(bufferLimit: Int, startReading: Bool) throws {
        precondition(bufferLimit > 0, "bufferLimit must be positive")
        let inotifyFD = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard inotifyFD >= 0 else { throw SystemCallError("inotify_init1") }
        var pair: [Int32] = [-1, -1]
        let socketType = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
        guard socketpair(AF_UNIX, socketType, 0, &pair) == 0 else {
            let error = SystemCallError("socketpair")
            close(inotifyFD)
            throw error
        }
        let (stream, continuation) = AsyncStream.makeStream(
            of: WatchEvent.self, bufferingPolicy: .bufferingNewest(bufferLimit)
        )
        self.events = stream
        self.core = Core(inotifyFD: inotifyFD, wakeReadFD: pair[0], wakeWriteFD: pair[1], continuation: continuation)
        let core = self.core
        continuation.onTermination = { _ in core.requestStop() }
        if startReading { self.startReading() }
    }

    deinit {
        core.requestStop()
        core.continuation.finish()
    }

    /// Starts the reader thread (the public initialiser already did). Idempotent.
    func startReading() {
        core.startThread()
    }

    /// Starts watching `directory`. Idempotent: adding a directory again (for instance
    /// after it disappeared and was recreated) replaces its watch.
    ///
    /// - Throws: ``SystemCallError`` from `inotify_add_watch`: `ENOENT` when it does not
    ///   exist, `ENOTDIR` when it is not a directory, `ENOSPC` when
    ///   `fs.inotify.max_user_watches` is exhausted, `EBADF` after ``stop()``.
    public func add(directory: String) throws {
        try core.add(directory: directory)
    }

    /// Stops watching `directory`; events still queued for it are discarded. Does
    /// nothing if it is not watched.
    public func remove(directory: String) {
        core.remove(directory: directory)
    }

    /// The directories currently watched, as they were added.
    public var directories: [String] {
        core.state.withLock { Array($0.wdByPath.keys) }.sorted()
    }

    /// Whether a stop was requested (by ``stop()``, the consumer going away, or deinit).
    var stopRequested: Bool {
        core.state.withLock { $0.stopRequested || $0.closed }
    }

    /// Stops the watcher: the reader thread wakes at once, closes the descriptors and
    /// exits, and ``events`` finishes. Safe to call more than once, from any thread.
    public func stop() {
        core.requestStop()
        core.continuation.finish()
    }
}

extension DirectoryWatcher {
    /// What the reader thread and the public API share. A separate object so that the
    /// thread does not keep the `DirectoryWatcher` alive (its `deinit` stops the thread).
    fileprivate final class Core: Sendable {
        struct State {
            var pathByWd: [Int32: String] = [:]
            var wdByPath: [String: Int32] = [:]
            /// Set once the thread was started, so that it is started only once.
            var started = false
            /// Set by the first stop request; the wake-up byte is written once.
            var stopRequested = false
            /// Set by the thread once it closed the descriptors: nothing may use them.
            var closed = false
            /// Files reported `.modified` and not yet closed or gone: a writer's every
            /// `write(2)` raises `IN_MODIFY`, and only the first is worth delivering.
            var writing: Set<WatchedName> = []
        }

        struct WatchedName: Hashable {
            var wd: Int32
            var name: [UInt8]
        }

        /// More names than this being written at once, and the set starts afresh (some
        /// `.modified` are then delivered twice, which costs nothing).
        static let writingLimit = 65536

        let inotifyFD: Int32
        let wakeReadFD: Int32
        let wakeWriteFD: Int32
        let continuation: AsyncStream<WatchEvent>.Continuation
        let state = Mutex(State())

        init(inotifyFD: Int32, wakeReadFD: Int32, wakeWriteFD: Int32, continuation: AsyncStream<WatchEvent>.Continuation) {
            self.inotifyFD = inotifyFD
            self.wakeReadFD = wakeReadFD
            self.wakeWriteFD = wakeWriteFD
            self.continuation = continuation
        }

        func startThread() {
            let shouldStart = state.withLock { state -> Bool in
                guard !state.started, !state.closed else { return false }
                state.started = true
                return true
            }
            guard shouldStart else { return }
            let thread = Thread { [self] in self.run() }
            thread.name = "fieldsync-inotify"
            thread.start()
        }

        func add(directory: String) throws {
            try state.withLock { state in
                guard !state.closed, !state.stopRequested else {
                    throw SystemCallError("inotify_add_watch", subject: directory, errno: EBADF)
                }
                let wd = inotify_add_watch(inotifyFD, directory, DirectoryWatcher.watchMask)
                guard wd >= 0 else { throw SystemCallError("inotify_add_watch", subject: directory) }
                // The same inode reached through another path gives back the same wd.
                if let previous = state.pathByWd[wd], previous != directory {
                    state.wdByPath[previous] = nil
                }
                // The path now names another inode: its old watch is of no use.
                if let old = state.wdByPath[directory], old != wd {
                    state.pathByWd[old] = nil
                    inotify_rm_watch(inotifyFD, old)
                }
                state.pathByWd[wd] = directory
                state.wdByPath[directory] = wd
            }
        }

        func remove(directory: String) {
            state.withLock { state in
                guard let wd = state.wdByPath.removeValue(forKey: directory) else { return }
                state.pathByWd[wd] = nil
                if !state.closed { inotify_rm_watch(inotifyFD, wd) }
            }
        }

        /// Wakes the thread so that it exits. If it never started, closes the
        /// descriptors itself.
        func requestStop() {
            state.withLock { state in
                guard !state.stopRequested, !state.closed else { return }
                state.stopRequested = true
                if state.started {
                    var byte: UInt8 = 1
                    _ = write(wakeWriteFD, &byte, 1)
                } else {
                    closeDescriptors(&state)
                }
            }
        }

        /// Only with the lock held.
        private func closeDescriptors(_ state: inout State) {
            close(inotifyFD)
            close(wakeReadFD)
            close(wakeWriteFD)
            state.closed = true
            state.pathByWd = [:]
            state.wdByPath = [:]
        }

        /// The reader thread: poll, read everything available, translate, deliver.
        private func run() {
            let capacity = 64 * 1024
            let buffer = UnsafeMutableRawBufferPointer.allocate(
                byteCount: capacity, alignment: MemoryLayout<inotify_event>.alignment
            )
            defer { buffer.deallocate() }
            var fds = [
                pollfd(fd: inotifyFD, events: Int16(POLLIN), revents: 0),
                pollfd(fd: wakeReadFD, events: Int16(POLLIN), revents: 0),
            ]
            loop: while true {
                fds[0].revents = 0
                fds[1].revents = 0
                guard (try? SystemCall.retrying("poll", "inotify", { poll(&fds, 2, -1) })) != nil else { break loop }
                if fds[1].revents != 0 { break loop }
                if fds[0].revents & Int16(POLLIN) != 0 {
                    guard drain(buffer) else { break loop }
                } else if fds[0].revents != 0 {
                    break loop  // POLLERR / POLLNVAL: nothing more will come
                }
            }
            state.withLock { closeDescriptors(&$0) }
            continuation.finish()
        }

        /// Reads until the non-blocking descriptor has nothing more. False on an
        /// unexpected error, which ends the watcher.
        private func drain(_ buffer: UnsafeMutableRawBufferPointer) -> Bool {
            while true {
                let count: Int
                do {
                    count = try SystemCall.retrying("read", "inotify") { read(inotifyFD, buffer.baseAddress, buffer.count) }
                } catch {
                    return error.errno == EAGAIN
                }
                if count == 0 { return true }
                let records = InotifyRecord.parse(UnsafeRawBufferPointer(rebasing: buffer[0 ..< count]))
                let events = state.withLock { translate(records, &$0) }
                for event in events where !DirectoryWatcher.deliver(event, to: continuation) {
                    // The consumer fell behind and lost events: every write is news again.
                    state.withLock { $0.writing.removeAll() }
                }
            }
        }

        /// Maps kernel records to ``WatchEvent``s and keeps the watch table in step
        /// with the kernel's. Only with the lock held.
        private func translate(_ records: [InotifyRecord], _ state: inout State) -> [WatchEvent] {
            var events: [WatchEvent] = []
            for record in records {
                let mask = record.mask
                if mask & UInt32(IN_Q_OVERFLOW) != 0 {
                    // Closes may be among what was lost: every write is news again.
                    state.writing.removeAll()
                    events.append(.overflow)
                    continue
                }
                // Records for a watch that was removed meanwhile are stale: drop them.
                guard let directory = state.pathByWd[record.wd] else { continue }
                let gone = UInt32(IN_DELETE_SELF | IN_MOVE_SELF | IN_UNMOUNT | IN_IGNORED)
                if mask & gone != 0 {
                    // Report the end once, at the first of these; the table forgets the
                    // wd so the IN_IGNORED that follows is dropped as stale.
                    state.pathByWd[record.wd] = nil
                    if state.wdByPath[directory] == record.wd { state.wdByPath[directory] = nil }
                    if mask & UInt32(IN_MOVE_SELF) != 0 {
                        // A moved directory keeps its watch; stop following it.
                        inotify_rm_watch(inotifyFD, record.wd)
                    }
                    events.append(.directoryGone(directory))
                    continue
                }
                guard let name = FileName(bytes: record.name) else { continue }
                let key = WatchedName(wd: record.wd, name: record.name)
                if mask & UInt32(bitPattern: IN_ISDIR) != 0 {
                    continue
                } else if mask & UInt32(IN_CLOSE_WRITE | IN_MOVED_TO) != 0 {
                    state.writing.remove(key)
                    events.append(.file(directory: directory, name: name))
                } else if mask & UInt32(IN_DELETE | IN_MOVED_FROM) != 0 {
                    state.writing.remove(key)
                } else if mask & UInt32(IN_MODIFY) != 0, !state.writing.contains(key) {
                    if state.writing.count >= Core.writingLimit { state.writing.removeAll() }
                    state.writing.insert(key)
                    events.append(.modified(directory: directory, name: name))
                }
            }
            return events
        }
    }
}

extension DirectoryWatcher {
    /// Hands one event to a stream with a `.bufferingNewest` policy. When the buffer
    /// was full, the oldest event was dropped to make room; follow with `.overflow` so
    /// the loss is never silent. Every later drop sends it again, so an `.overflow`
    /// always stays in the buffer behind the last loss.
    /// Returns false when an event was dropped.
    @discardableResult
    static func deliver(_ event: WatchEvent, to continuation: AsyncStream<WatchEvent>.Continuation) -> Bool {
        if case .dropped = continuation.yield(event) {
            if event != .overflow { _ = continuation.yield(.overflow) }
            return false
        }
        return true
    }
}
