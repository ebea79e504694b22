import Synchronization

/// Lets a few pushes at a time be read, parsed, checked and stored; the others wait
/// their turn, their bytes waiting in the kernel rather than in central's memory.
///
/// A push may be as large as `--max-body-size`, and its parsed form several times
/// that: the connection limit bounds how many clients central holds, this bounds how
/// much memory they can make it use at once. Pushes are rare (one per office per
/// change) and take milliseconds, so taking turns costs nobody anything.
final class PushGate: Sendable {
    private struct State {
        var free: Int
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let state: Mutex<State>

    init(turns: Int) {
        state = Mutex(State(free: max(1, turns)))
    }

    /// Runs `body` once a turn is free, and frees it after.
    func withTurn<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        await take()
        defer { give() }
        return try await body()
    }

    private func take() async {
        await withCheckedContinuation { (turn: CheckedContinuation<Void, Never>) in
            let now = state.withLock { s -> Bool in
                if s.free > 0 {
                    s.free -= 1
                    return true
                }
                s.waiting.append(turn)
                return false
            }
            if now { turn.resume() }
        }
    }

    private func give() {
        let next = state.withLock { s -> CheckedContinuation<Void, Never>? in
            if s.waiting.isEmpty {
                s.free += 1
                return nil
            }
            return s.waiting.removeFirst()
        }
        next?.resume()
    }
}
