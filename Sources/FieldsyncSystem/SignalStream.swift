import Foundation
import Glibc
import Synchronization

/// POSIX signals as an `AsyncStream<Int32>`, so the service loop can `await` SIGTERM
/// (finish the current file, exit 0), SIGINT (the same, from a terminal) and SIGHUP
/// (reload) like any other event instead of doing work in a signal handler.
///
/// Why not `DispatchSource.makeSignalSource`: on Linux, libdispatch registers a signal
/// source asynchronously on its manager thread, so a signal sent right after the source
/// is resumed still meets the old disposition (`SIG_IGN`, or death by default) and is
/// lost; and it installs its handler only once per signal, so a later
/// `signal(sig, SIG_IGN)` silently ends delivery for good. Both were observed here.
///
/// Instead, ``init(_:)`` installs the handler with `sigaction(2)` before it returns: the
/// classic self-pipe. The handler only writes the signal number as one byte to a
/// non-blocking socket (async-signal-safe); one process-wide relay thread, blocked in
/// `read(2)` on the other end, hands it to every stream subscribed to that signal.
/// A signal that arrives several times before it is handled may be delivered once.
///
/// When the stream ends (``cancel()``, deinit, or the consumer stops iterating) the
/// handler stays installed and the signal is then dropped: ignored, never back to its
/// default action, so a late SIGTERM during shutdown cannot kill the process half-way.
/// A caught signal is reset to the default action in `exec`ed children, as usual.
public final class SignalStream: Sendable {
    /// The signals in arrival order. Iterate from one task only.
    public let signals: AsyncStream<Int32>

    private let subscription: Int
    private let continuation: AsyncStream<Int32>.Continuation

    /// The signals a systemd service handles: stop, interrupt, reload.
    public static let serviceSignals: [Int32] = [SIGTERM, SIGINT, SIGHUP]

    /// Starts catching `signals`; any of them raised after this returns is delivered.
    ///
    /// - Precondition: only catchable signals (not SIGKILL, SIGSTOP), and not the
    ///   synchronous fault signals (SIGSEGV, SIGBUS, SIGFPE, SIGILL) whose handlers
    ///   belong to the Swift runtime.
    public init(_ signals: [Int32] = SignalStream.serviceSignals) {
        let (stream, continuation) = AsyncStream.makeStream(of: Int32.self)
        self.signals = stream
        self.continuation = continuation
        let relay = SignalRelay.shared
        let subscription = relay.subscribe(Set(signals), continuation)
        self.subscription = subscription
        continuation.onTermination = { _ in relay.unsubscribe(subscription) }
    }

    /// Stops delivering to this stream (the signals stay caught and are dropped) and
    /// ends ``signals``.
    public func cancel() {
        SignalRelay.shared.unsubscribe(subscription)
        continuation.finish()
    }

    deinit {
        cancel()
    }

    /// Ignores SIGHUP if it still has its default action. Call it first thing in `main`:
    /// until the reload handler is installed, a SIGHUP (an early `systemctl reload`, a
    /// closing terminal) would otherwise kill the process. Leaves an installed handler
    /// alone, so calling it late does not break a ``SignalStream`` already catching it.
    public static func ignoreHangupAtStartup() {
        var current = sigaction()
        guard sigaction(SIGHUP, nil, &current) == 0 else { return }
        let handler = unsafeBitCast(current.__sigaction_handler.sa_handler, to: Int.self)
        if handler == unsafeBitCast(SIG_DFL, to: Int.self) {
            signal(SIGHUP, SIG_IGN)
        }
    }
}

/// The write end of the relay socket, read by the signal handler. A plain global with
/// a constant initialiser (no lazy initialisation, so reading it is a plain load, safe
/// in a handler); written once, before the first handler is installed.
nonisolated(unsafe) private var signalRelayWriteFD: Int32 = -1

/// The signal handler: one byte, the signal's number, to the relay. Nothing else is
/// async-signal-safe enough to do here. `errno` is preserved for the interrupted code.
private func relaySignalHandler(_ signal: Int32) {
    let saved = errno
    var byte = UInt8(truncatingIfNeeded: signal)
    _ = write(signalRelayWriteFD, &byte, 1)  // full (≥ 200 KiB unread): dropping is fine
    errno = saved
}

/// The process-wide half of ``SignalStream``: the relay socket, the thread that reads
/// it, which handlers are installed, and who wants which signal.
private final class SignalRelay: Sendable {
    static let shared = SignalRelay()

    private struct State {
        var installed: Set<Int32> = []
        var nextID = 0
        var subscribers: [Int: (signals: Set<Int32>, continuation: AsyncStream<Int32>.Continuation)] = [:]
    }

    private let state = Mutex(State())
    private let readFD: Int32

    private init() {
        var pair: [Int32] = [-1, -1]
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        guard socketpair(AF_UNIX, type, 0, &pair) == 0 else {
            fatalError("\(SystemCallError("socketpair")): cannot relay signals")
        }
        // The handler must never block; the reader does, in read(2).
        _ = fcntl(pair[1], F_SETFL, fcntl(pair[1], F_GETFL) | O_NONBLOCK)
        readFD = pair[0]
        signalRelayWriteFD = pair[1]
        let thread = Thread { [self] in self.run() }
        thread.name = "fieldsync-signals"
        thread.start()
    }

    func subscribe(_ signals: Set<Int32>, _ continuation: AsyncStream<Int32>.Continuation) -> Int {
        state.withLock { state in
            for number in signals where !state.installed.contains(number) {
                var action = sigaction()
                action.__sigaction_handler.sa_handler = relaySignalHandler
                action.sa_flags = SA_RESTART
                sigemptyset(&action.sa_mask)
                if sigaction(number, &action, nil) == 0 {
                    state.installed.insert(number)
                } else {
                    preconditionFailure("\(SystemCallError("sigaction", subject: String(number)))")
                }
            }
            let id = state.nextID
            state.nextID += 1
            state.subscribers[id] = (signals, continuation)
            return id
        }
    }

    func unsubscribe(_ id: Int) {
        _ = state.withLock { $0.subscribers.removeValue(forKey: id) }
    }

    /// The relay thread: lives as long as the process, asleep in `read(2)`.
    private func run() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while true {
            guard let count = try? SystemCall.retrying("read", "signal pipe", { read(readFD, &buffer, buffer.count) }),
                  count > 0 else { return }
            for byte in buffer[0 ..< count] {
                let number = Int32(byte)
                let targets = state.withLock { state in
                    state.subscribers.values.filter { $0.signals.contains(number) }.map(\.continuation)
                }
                for continuation in targets { continuation.yield(number) }
            }
        }
    }
}
