import FieldsyncSystem
import ServiceLifecycle

/// inotify as a service: hands every event of the current watcher to the daemon, and
/// goes on with the next watcher when a reload replaces it (or, with `watch = "poll"`,
/// waits until one comes).
struct WatchService: Service {
    let watchers: Handoff<DirectoryWatcher>
    let handle: @Sendable (WatchEvent) -> Void

    func run() async {
        await withGracefulShutdownHandler {
            for await watcher in watchers.values {
                guard let watcher else { continue }
                for await event in watcher.events { handle(event) }
            }
        } onGracefulShutdown: { [watchers] in
            watchers.finish()?.stop()
        }
    }
}
