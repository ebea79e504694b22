import FieldsyncSystem
import Foundation
import Synchronization

/// What the daemon's work loop has to do next, filled from other threads (inotify
/// events, signals, timers) and drained by the loop, which sleeps on it when empty.
///
/// Files are queued by name, once each however many events they cause; a rescan of
/// every directory is a flag, so an event flood or a queue overflow costs one scan,
/// not memory.
final class WorkQueue: Sendable {
    struct Item: Hashable, Sendable {
        var source: String
        var name: FileName
    }

    private struct State {
        var items: [Item] = []
        var head = 0
        var queued: Set<Item> = []
        var rescan = true
        var stop = false
        var reload = false
    }

    private let state = Mutex(State())
    private let wake = DispatchSemaphore(value: 0)

    func add(_ item: Item) {
        let added = state.withLock { s in
            guard s.queued.insert(item).inserted else { return false }
            s.items.append(item)
            return true
        }
        if added { wake.signal() }
    }

    func requestRescan() {
        state.withLock { $0.rescan = true }
        wake.signal()
    }

    func requestStop() {
        state.withLock { $0.stop = true }
        wake.signal()
    }

    func requestReload() {
        state.withLock { $0.reload = true }
        wake.signal()
    }

    var stopRequested: Bool { state.withLock { $0.stop } }

    var rescanRequested: Bool { state.withLock { $0.rescan } }

    /// Takes the reload flag (true once per request).
    func takeReload() -> Bool {
        state.withLock { s in
            defer { s.reload = false }
            return s.reload
        }
    }

    func takeRescan() -> Bool {
        state.withLock { s in
            defer { s.rescan = false }
            return s.rescan
        }
    }

    func next() -> Item? {
        state.withLock { s in
            guard s.head < s.items.count else { return nil }
            let item = s.items[s.head]
            s.head += 1
            s.queued.remove(item)
            if s.head > 1024, s.head * 2 > s.items.count {
                s.items.removeFirst(s.head)
                s.head = 0
            }
            return item
        }
    }

    /// The next files, at most `count`, in the order they came.
    func next(upTo count: Int) -> [Item] {
        var items: [Item] = []
        while items.count < count, let item = next() { items.append(item) }
        return items
    }

    var backlog: Int { state.withLock { $0.items.count - $0.head } }

    /// Sleeps until something is queued or requested, or `timeout` passes.
    func wait(timeout: Duration) {
        let (s, atto) = timeout.components
        let nanos = max(0, s * 1_000_000_000 + atto / 1_000_000_000)
        _ = wake.wait(timeout: .now() + .nanoseconds(Int(min(nanos, Int64(Int.max)))))
    }
}
