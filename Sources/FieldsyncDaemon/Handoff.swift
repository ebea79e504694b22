import Synchronization

/// The current one of something a reload may replace — the courier, the inotify
/// watcher — handed to the service that runs it.
///
/// Each replacement is published once, in order, on ``values``; the service runs one
/// after the other, so the group's shutdown, which waits for the service, waits for
/// whichever is current. Whoever replaces one stops the old one, which ends its run.
final class Handoff<Value: Sendable>: Sendable {
    /// Every value published, the initial one first; nil stands for none (no `[push]`,
    /// or `watch = "poll"`). Ends at ``finish()``. Iterate from one task only.
    let values: AsyncStream<Value?>
    private let continuation: AsyncStream<Value?>.Continuation
    private let current: Mutex<(value: Value?, finished: Bool)>

    init(_ initial: Value?) {
        (values, continuation) = AsyncStream.makeStream(of: Value?.self)
        current = Mutex((initial, false))
        continuation.yield(initial)
    }

    /// The current value.
    var value: Value? { current.withLock { $0.value } }

    /// Publishes `value` as the current one and returns the one it replaces, for the
    /// caller to stop. After ``finish()`` nothing runs a new value any more: it is
    /// returned itself, for the caller to stop (a reload that comes during shutdown).
    @discardableResult
    func replace(with value: Value?) -> Value? {
        let old = current.withLock { c -> Value? in
            if c.finished { return value }
            defer { c.value = value }
            return c.value
        }
        continuation.yield(value)  // ignored once finished
        return old
    }

    /// Ends ``values`` and returns the current value, for the caller to stop: nothing
    /// published after this is run.
    func finish() -> Value? {
        let last = current.withLock { c -> Value? in
            c.finished = true
            return c.value
        }
        continuation.finish()
        return last
    }
}
