import Synchronization

/// Values rendered from the store once per change mark (``DocumentStorage/changeMark()``):
/// a value is rendered again only after a document was stored — by this receiver or
/// another on the same database — and requests that arrive while it renders wait for
/// that one rendering instead of starting their own. A rendering that fails is not kept.
/// The overview pages and the offices' part of `/metrics` are kept this way.
final class MarkedCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private let entries = Mutex<[Key: (mark: Int64, value: Task<Value, any Error>)]>([:])
    private let keeps: @Sendable (Key) -> Bool

    /// - Parameter keeps: whether a key's value is kept (bounding what is held).
    init(keeps: @escaping @Sendable (Key) -> Bool = { _ in true }) { self.keeps = keeps }

    /// The value of `key` at `mark`: kept, or rendered by `render`.
    func value(_ key: Key, at mark: Int64, render: @escaping @Sendable () async throws -> Value) async throws -> Value {
        let task = entries.withLock { entries -> Task<Value, any Error> in
            if let current = entries[key], current.mark >= mark { return current.value }
            let task = Task { try await render() }
            if keeps(key) { entries[key] = (mark, task) }
            return task
        }
        do {
            return try await task.value
        } catch {
            entries.withLock { entries in
                if entries[key]?.mark == mark { entries[key] = nil }
            }
            throw error
        }
    }
}
