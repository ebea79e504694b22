import Dispatch
import Glibc
import Synchronization

/// POSIX signals as an `AsyncStream<Int32>`, so the service loop can `await` SIGTERM
/// (finish the current file, exit 0), SIGINT (the same, from a terminal) and SIGHUP
/// (reload) like any other event instead of doing work in a signal handler.
///
/// Each signal's default action is first set to ignore, then a Dispatch signal source
/// is installed (on Linux libdispatch installs its own handler, so the signal is caught
/// whichever thread it lands on). A signal that arrives several times before the
/// consumer looks may be delivered once. The stream is unbounded in practice: at most
/// one pending element per delivery.
///
/// When the stream ends (``cancel()``, or the consumer stops iterating) the sources are
/// cancelled and the signals stay ignored, never back to their default action: a late
/// SIGTERM during shutdown must not kill the process half-way through.
public final class SignalStream: Sendable {
    /// The signals in arrival order. Iterate from one task only.
    public let signals: AsyncStream<Int32>

    private let sources: Sources

    /// The signals a systemd service handles: stop, interrupt, reload.
    public static let serviceSignals: [Int32] = [SIGTERM, SIGINT, SIGHUP]

    /// Starts catching `signals`.
    public init(_ signals: [Int32] = SignalStream.serviceSignals) {
        let (stream, continuation) = AsyncStream.makeStream(of: Int32.self)
        let queue = DispatchQueue(label: "fieldsync.signals")
        var created: [any DispatchSourceSignal] = []
        for number in Set(signals) {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler(handler: { @Sendable in _ = continuation.yield(number) })
            source.resume()
            created.append(source)
        }
        self.signals = stream
        let sources = Sources(created)
        self.sources = sources
        continuation.onTermination = { _ in sources.cancel() }
        self.finish = { continuation.finish() }
    }

    private let finish: @Sendable () -> Void

    /// Stops catching the signals (they stay ignored) and ends ``signals``.
    public func cancel() {
        sources.cancel()
        finish()
    }

    deinit {
        cancel()
    }

    /// Ignores SIGHUP. Call it first thing in `main`: until the reload handler is
    /// installed, a SIGHUP (an early `systemctl reload`, a closing terminal) would
    /// otherwise kill the process with its default action.
    public static func ignoreHangupAtStartup() {
        signal(SIGHUP, SIG_IGN)
    }

    /// Owns the Dispatch sources, which are not `Sendable` themselves, behind a lock.
    private final class Sources: Sendable {
        private let sources: Mutex<[any DispatchSourceSignal]>

        init(_ sources: sending [any DispatchSourceSignal]) {
            self.sources = Mutex(sources)
        }

        func cancel() {
            let taken = sources.withLock { sources in
                let taken = sources
                sources = []
                return taken
            }
            for source in taken { source.cancel() }
        }
    }
}

/// Ignores SIGHUP until ``SignalStream`` takes over; call from the first line of `main`.
/// The free-function spelling of ``SignalStream/ignoreHangupAtStartup()``.
public func ignoreHangupAtStartup() {
    SignalStream.ignoreHangupAtStartup()
}
