import FieldsyncSystem
import Foundation
import Glibc

/// Why a wait ended without its condition: what was awaited.
package struct WaitTimeout: Error, CustomStringConvertible {
    package var what: String
    package init(what: String) { self.what = what }
    package var description: String { "timed out waiting for \(what)" }
}

/// The one way tests wait: for a condition, never for "long enough". The condition is
/// checked, then the thread sleeps until something it watches changes — a file created,
/// written, moved or removed in `directories` (inotify) — or `recheck` passes (state
/// outside those directories: the store, another process), and the condition is
/// checked again. Throws ``WaitTimeout`` at the deadline, which only fails a test that
/// was going to fail.
package func waitUntil(_ what: @autoclosure () -> String, timeout: Duration = .seconds(20), watching directories: [String] = [],
                       recheck: Duration = .milliseconds(100), _ condition: () throws -> Bool) throws {
    let deadline = ContinuousClock.now + timeout
    let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
    guard fd >= 0 else { throw SystemCallError("inotify_init1") }
    defer { close(fd) }
    let mask = UInt32(IN_CREATE | IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_MODIFY)
    for directory in directories {
        _ = inotify_add_watch(fd, directory, mask)  // a missing directory: the re-check covers it
    }
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 8)
    defer { buffer.deallocate() }
    while true {
        if try condition() { return }
        let left = deadline - ContinuousClock.now
        if left <= .zero { throw WaitTimeout(what: what()) }
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        _ = poll(&pfd, 1, Int32(milliseconds(min(left, recheck))))
        while read(fd, buffer.baseAddress, buffer.count) > 0 {}
    }
}

/// The same rule from async code, whose thread must not block: re-checked every 10 ms.
package func waitUntil(_ what: @autoclosure () -> String, timeout: Duration = .seconds(20),
                       _ condition: () throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while try !condition() {
        guard ContinuousClock.now < deadline else { throw WaitTimeout(what: what()) }
        try await Task.sleep(for: .milliseconds(10))
    }
}

/// Whole milliseconds, at least 1 (for `poll(2)`).
package func milliseconds(_ d: Duration) -> Int64 {
    let (s, atto) = d.components
    return max(1, s * 1000 + atto / 1_000_000_000_000_000)
}

/// Seconds, for Foundation's deadlines.
package func seconds(_ d: Duration) -> Double {
    let (s, atto) = d.components
    return Double(s) + Double(atto) / 1e18
}
