import FieldsyncSystem
import Glibc
import Logging
import ServiceLifecycle

/// The metrics textfile as a service: rewritten every `[metrics] interval` (5 s) from
/// the store (``MetricsSnapshot``), atomically — node_exporter's textfile collector
/// reads the old file or the new one, never a part — with mode 0644, for node_exporter's
/// user. A file that cannot be written is a warning (once, until it can be again), never
/// a stopped daemon: metrics are for watching the work, not part of it. It follows
/// reloads: a new `textfile` is written from the next round on.
struct MetricsService: Service {
    let daemon: Daemon
    let version: String

    func run() async {
        var failing: String?
        while !Task.isCancelled {
            let instance = daemon.instance
            let settings = instance.setup.config.metrics
            let path = settings.path(stateDirectory: instance.setup.config.stateDirectory)
            do {
                try Self.write(config: instance, version: version, to: path)
                if failing != nil {
                    daemon.logger.notice("metrics written again", metadata: ["textfile": "\(path)"])
                    failing = nil
                }
            } catch {
                let reason = "\(error)"
                if failing != reason {
                    daemon.logger.warning("cannot write the metrics textfile; the daemon goes on without it",
                                          metadata: ["textfile": "\(path)", "error": "\(reason)"])
                    failing = reason
                }
            }
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: settings.interval) }
            } catch {
                return  // shutting down
            }
        }
    }

    /// Writes the snapshot of `instance` to `path`.
    static func write(config instance: Instance, version: String, to path: String) throws {
        let text = try MetricsSnapshot.gather(setup: instance.setup, store: instance.store, version: version).text
        try DirectoryHandle.writeFile(atPath: path, contents: Array(text.utf8), permissions: 0o644,
                                      syncFile: false, syncDirectory: false)
    }
}
