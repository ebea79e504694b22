import FieldsyncSystem
import Glibc
import ServiceLifecycle

/// The signals a systemd service handles, as a service: SIGHUP asks for a reload;
/// SIGTERM or SIGINT ends this service, and the group shuts down gracefully.
///
/// The signals come from ``SignalStream`` (installed with `sigaction` before the group
/// starts), not from the group's own `gracefulShutdownSignals`: those use libdispatch
/// signal sources, which on Linux register asynchronously, so a SIGTERM sent just after
/// start could be lost (see ``SignalStream``).
struct SignalService: Service {
    let signals: SignalStream
    let reload: @Sendable () -> Void
    let stopping: @Sendable (Int32) -> Void

    func run() async {
        for await signal in signals.signals.cancelOnGracefulShutdown() {
            if signal == SIGHUP {
                reload()
            } else {
                stopping(signal)
                return
            }
        }
    }
}
