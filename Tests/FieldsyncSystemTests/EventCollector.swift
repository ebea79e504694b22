import FieldsyncTesting
import Foundation

/// Collects what an `AsyncStream` yields so a test can await a condition on everything
/// received so far. The timeout is only an upper bound that fails the test; the wait
/// ends as soon as the condition holds.
actor EventCollector<Element: Sendable> {
    private(set) var received: [Element] = []
    private(set) var finished = false
    private var waiters: [Int: Waiter] = [:]
    private var nextID = 0

    private struct Waiter {
        let condition: @Sendable ([Element], Bool) -> Bool
        let continuation: CheckedContinuation<Bool, Never>
    }

    /// Starts consuming `stream` in a task of its own.
    static func collecting(_ stream: AsyncStream<Element>) -> EventCollector {
        let collector = EventCollector()
        Task { await collector.consume(stream) }
        return collector
    }

    private func consume(_ stream: AsyncStream<Element>) async {
        for await element in stream {
            received.append(element)
            check()
        }
        finished = true
        check()
    }

    /// Waits until `condition(received, finished)` holds; false if `timeout` passed first.
    func wait(
        timeout: Duration = .seconds(10),
        until condition: @escaping @Sendable (_ received: [Element], _ finished: Bool) -> Bool
    ) async -> Bool {
        if condition(received, finished) { return true }
        let id = nextID
        nextID += 1
        return await withCheckedContinuation { continuation in
            waiters[id] = Waiter(condition: condition, continuation: continuation)
            Task {
                try? await Task.sleep(for: timeout)
                self.expire(id)
            }
        }
    }

    /// Waits for the stream to finish.
    func waitForFinish(timeout: Duration = .seconds(10)) async -> Bool {
        await wait(timeout: timeout) { _, finished in finished }
    }

    private func check() {
        for (id, waiter) in waiters where waiter.condition(received, finished) {
            waiters[id] = nil
            waiter.continuation.resume(returning: true)
        }
    }

    private func expire(_ id: Int) {
        waiters.removeValue(forKey: id)?.continuation.resume(returning: false)
    }
}
