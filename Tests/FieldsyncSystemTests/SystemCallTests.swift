@testable import FieldsyncSystem
import FieldsyncTesting
import Foundation
import Glibc
import Synchronization
import Testing

/// Counts SIGUSR2 deliveries (a handler may touch nothing but an atomic).
private let interrupts = Atomic<Int>(0)

/// The one wrapper every system call goes through.
@Suite("SystemCall", .serialized)
struct SystemCallTests {
    @Test("A call interrupted by a signal is made again, not failed")
    func interruptedCallIsRetried() throws {
        var fds: [Int32] = [-1, -1]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]); close(fds[1]) }
        // A handler without SA_RESTART: the kernel fails the blocked read with EINTR.
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in interrupts.add(1, ordering: .relaxed) }
        action.sa_flags = 0
        var previous = sigaction()
        #expect(sigaction(SIGUSR2, &action, &previous) == 0)
        defer { sigaction(SIGUSR2, &previous, nil) }

        let reader = Mutex<pthread_t?>(nil)
        let calls = Atomic<Int>(0)
        let result = Mutex<Result<Int, SystemCallError>?>(nil)
        let thread = Thread { [readFD = fds[0]] in
            // The test runner's threads may block signals: let this one take SIGUSR2.
            var usr2 = sigset_t()
            sigemptyset(&usr2)
            sigaddset(&usr2, SIGUSR2)
            pthread_sigmask(SIG_UNBLOCK, &usr2, nil)
            reader.withLock { $0 = pthread_self() }
            var byte: UInt8 = 0
            let r = Result { () throws(SystemCallError) in
                try SystemCall.retrying("read", "pipe") {
                    calls.add(1, ordering: .relaxed)
                    return read(readFD, &byte, 1)
                }
            }
            result.withLock { $0 = r }
        }
        thread.start()
        // Signal the reader until its read was made a second time: the first was
        // interrupted (EINTR) and retried, not reported. Waited for on this thread, not
        // in a task: other tests may keep the cooperative pool busy, and each look
        // sends the next signal.
        try waitUntil("the read to be interrupted and made again", recheck: .milliseconds(5)) {
            if let t = reader.withLock({ $0 }) { pthread_kill(t, SIGUSR2) }
            return calls.load(ordering: .relaxed) >= 2
        }
        #expect(interrupts.load(ordering: .relaxed) >= 1)
        #expect(result.withLock { $0 } == nil, "still reading after EINTR")
        var one: UInt8 = 1
        #expect(write(fds[1], &one, 1) == 1)
        try waitUntil("the read to return", recheck: .milliseconds(5)) { result.withLock { $0 } != nil }
        #expect(try result.withLock { $0 }?.get() == 1)
    }

    @Test("Any other failure is an error naming the call, its subject and errno")
    func failureIsNamed() {
        let error = #expect(throws: SystemCallError.self) {
            try SystemCall.retrying("open", "/nonexistent/x") { open("/nonexistent/x", O_RDONLY) }
        }
        #expect(error?.errno == ENOENT)
        #expect(error?.description == "open(/nonexistent/x): No such file or directory")
    }
}
