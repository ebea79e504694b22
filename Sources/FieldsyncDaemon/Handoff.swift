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
    private let current: Mutex<Value?>

    init(_ initial: Value?) {
        (values, continuation) = AsyncStream.makeStream(of: Value?.self)
        current = Mutex(initial)
        continuation.yield(initial)
    }

    /// The current value.
    var value: Value? { current.withLock { $0 } }

    /// Publishes `value` as the current one and returns the one it replaces, for the
    /// caller to stop.
    @discardableResult
    func replace(with value: Value?) -> Value? {
        let old = current.withLock { c -> Value? in
            defer { c = value }
            return c
        }
        continuation.yield(value)
        return old
    }

    /// Ends ``values`` and returns the current value, for the caller to stop: nothing
    /// published after this is run.
    func finish() -> Value? {
        continuation.finish()
        return value
    }
}
