import Foundation
import ServiceLifecycle

/// The daemon's work loop as a service: files one at a time, rescans, reloads and the
/// watchdog, on a thread of its own (SQLite and the file system block; the cooperative
/// pool must not). Graceful shutdown lets the current file finish.
struct IntakeService: Service {
    let daemon: Daemon

    func run() async {
        await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                    let thread = Thread { [daemon] in
                        daemon.workLoop()
                        done.resume()
                    }
                    thread.name = "fieldsync-work"
                    thread.start()
                }
            } onCancel: { [daemon] in
                daemon.queue.requestStop()
            }
        } onGracefulShutdown: { [daemon] in
            daemon.queue.requestStop()
        }
    }
}
