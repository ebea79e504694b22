import FieldsyncConfig
import FieldsyncDelivery
import FieldsyncIntake
import FieldsyncModel
import FieldsyncProtocol
import FieldsyncStore
import FieldsyncSystem
import Foundation
import Glibc
import Logging
import ServiceLifecycle
import Synchronization

/// `fieldsync run`: the long-running intake service (SPEC §8), as a `ServiceGroup`.
///
/// - ``IntakeService``: the work loop, on a thread of its own, does every file through
///   the same `Intake` as `ingest`, one at a time, and pings the systemd watchdog
///   between files and while idle, so a stuck loop gets the service restarted;
/// - ``WatchService``: inotify events, queued for the loop;
/// - ``DeliveryService``: the courier, when `[push]` is configured;
/// - ``MetricsService``: the metrics textfile, rewritten every few seconds;
/// - ``SignalService``: SIGHUP reloads; SIGTERM and SIGINT shut the group down
///   gracefully — the courier stops (a transfer in flight stays pending), the current
///   file finishes — and the process exits 0.
///
/// A reload (SIGHUP) may change anything in the config and the schemes — sources,
/// `watch` mode, `[push]` — except `office` and `state_dir`, which key the store and
/// the outbox: a reload that changes them, or that is invalid, is refused with a
/// logged reason and the daemon goes on as it was.
public final class Daemon: Sendable {
    let configPath: String
    let logger: Logger
    /// The build (git describe), for the metrics.
    let version: String
    let queue = WorkQueue()
    let current: Mutex<Instance>
    let notifier: SystemdNotifier?
    /// The inotify watcher (none with `watch = "poll"`).
    let watchers: Handoff<DirectoryWatcher>
    /// Delivery (none without `[push]`); told after every change.
    let couriers: Handoff<Courier>
    let missing = Mutex<Set<String>>([])
    /// Files a writer still has open: not read until they are closed.
    let beingWritten = FilesBeingWritten()
    /// What has been logged about each source's directory, so that it is logged once.
    let reported = Mutex<[String: ReportedConditions]>([:])
    /// inotify overflows since the last warning: logged at most once a minute, since a
    /// clerk can cause them by the thousand.
    let overflows = Mutex<(count: Int, lastLogged: ContinuousClock.Instant?)>((0, nil))
    /// A file waiting on its writer this long is worth a warning (once).
    static let longWrite: Duration = .seconds(3600)
    /// Scans asked for by events (an overflow) come at most this often.
    static let scanSpacing: Duration = .seconds(1)

    public init(configPath: String, logger: Logger, version: String = "unknown",
                environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        self.configPath = configPath
        self.logger = logger
        self.version = version
        let setup = try Setup.load(config: configPath)
        let store = try Instance.openStore(directory: setup.config.stateDirectory)
        // The courier is woken right after a commit that changed records (it scores
        // while the files are answered); it is made once the instance is.
        let couriers = Handoff<Courier>(nil)
        let instance = Instance(setup: setup, store: store, logger: logger, afterChange: { couriers.value?.changed() })
        try instance.prepare()
        current = Mutex(instance)
        notifier = SystemdNotifier(environment: environment)
        watchers = Handoff(setup.config.intake.watch == .inotify ? try DirectoryWatcher() : nil)
        couriers.replace(with: Daemon.courier(for: instance, logger: logger))
        self.couriers = couriers
    }

    var instance: Instance { current.withLock { $0 } }

    /// The courier of a configuration. Without `[push]` it only scores and stages what
    /// changed — the sequences and the totals a report's trend shows — and posts nothing.
    static func courier(for instance: Instance, logger: Logger) -> Courier? {
        let push = instance.setup.config.push
        return Courier(store: instance.store, office: instance.setup.config.office, settings: push ?? PushSettings(url: ""),
                       schemes: instance.setup.schemes, logger: logger, delivers: push != nil)
    }

    func source(watching directory: String) -> Source? {
        instance.setup.config.sources.first { $0.path == directory }
    }

    /// Runs until SIGTERM or SIGINT; returns the exit status.
    public func run() async -> Int32 {
        // Caught from now on: nothing sent while the group starts is lost.
        let signals = SignalStream()
        // Watches first, then the start-up scan: nothing dropped in between slips by.
        watchSources(instance.setup.config.sources)
        queue.requestRescan()

        let services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: IntakeService(daemon: self), successTerminationBehavior: .gracefullyShutdownGroup,
                  serviceName: "intake"),
            .init(service: DeliveryService(couriers: couriers), successTerminationBehavior: .ignore, serviceName: "delivery"),
            .init(service: MetricsService(daemon: self, version: version), successTerminationBehavior: .ignore,
                  serviceName: "metrics"),
            .init(service: WatchService(watchers: watchers) { [weak self] in self?.handle($0) },
                  successTerminationBehavior: .ignore, serviceName: "inotify"),
            .init(service: SignalService(signals: signals, reload: { [queue] in queue.requestReload() },
                                         stopping: { [weak self] in self?.stopping(signal: $0) }),
                  successTerminationBehavior: .gracefullyShutdownGroup, serviceName: "signals"),
        ]
        var groupLogger = logger
        groupLogger.logLevel = min(logger.logLevel, .notice)
        let group = ServiceGroup(configuration: .init(services: services, logger: groupLogger))

        try? notifier?.ready(status: "watching \(instance.setup.config.sources.count) drop directories")
        logger.info("fieldsync started", metadata: [
            "config": "\(configPath)", "sources": "\(instance.setup.config.sources.count)",
            "watch": "\(instance.setup.config.intake.watch.rawValue)",
        ])
        var status: Int32 = 0
        do {
            try await group.run()
        } catch {
            logger.error("a part of the daemon failed; stopping", metadata: ["error": "\(error)"])
            status = 1
        }
        signals.cancel()
        do {
            try instance.store.close()
        } catch {
            logger.warning("could not close the store cleanly; SQLite recovers it at the next start", metadata: ["error": "\(error)"])
        }
        return status
    }

    /// SIGTERM or SIGINT: the group is about to shut down.
    func stopping(signal: Int32) {
        try? notifier?.stopping()
        logger.info("fieldsync stopping", metadata: ["signal": "\(signal == SIGINT ? "SIGINT" : "SIGTERM")"])
    }

    /// One inotify event, turned into work for the loop.
    func handle(_ event: WatchEvent) {
        switch event {
        case .file(let directory, let name):
            if let source = source(watching: directory) {
                beingWritten.closed(.init(source: source.name, name: name))
                queue.add(.init(source: source.name, name: name))
            }
        case .modified(let directory, let name):
            if !DropName.isTemporary(name), let source = source(watching: directory) {
                let identity = instance.intake.status(of: name, in: source)?.identity
                beingWritten.open(.init(source: source.name, name: name), identity: identity, at: .now())
            }
        case .overflow:
            // Holds stand: a close lost here leaves one waiting (status shows it),
            // never a file read half.
            overflows.withLock { $0.count += 1 }
            queue.requestRescan()
        case .directoryGone(let directory):
            logger.warning("drop directory disappeared; will pick it up again when it is back", metadata: ["path": "\(directory)"])
            missing.withLock { _ = $0.insert(directory) }
        }
    }

    /// SIGHUP, on the work loop: a new config and schemes, or — if they are invalid, or
    /// would change `office` or `state_dir` — the old ones.
    func reload() {
        try? notifier?.reloading()
        defer { try? notifier?.ready(status: "reloaded") }
        let old = instance
        let setup: Setup
        do {
            setup = try Setup.load(config: configPath)
        } catch {
            logger.error("reload failed; keeping the previous configuration", metadata: ["error": "\(error)"])
            return
        }
        for (key, was, now) in [("state_dir", old.setup.config.stateDirectory, setup.config.stateDirectory),
                                ("office", old.setup.config.office, setup.config.office)] where was != now {
            logger.error("reload refused: \(key) keys the store and the outbox and cannot change while the daemon runs; restart the service for that. Keeping the previous configuration", metadata: [
                "old": "\(was)", "new": "\(now)",
            ])
            return
        }
        let instance = Instance(setup: setup, store: old.store, logger: logger, afterChange: { [couriers] in couriers.value?.changed() })
        do {
            try instance.prepare()
        } catch {
            logger.error("reload could not prepare the new configuration; keeping the previous one", metadata: ["error": "\(error)"])
            return
        }
        current.withLock { $0 = instance }
        rewatch(from: old.setup.config, to: setup.config)
        couriers.replace(with: Daemon.courier(for: instance, logger: logger))?.stop()
        logger.notice("configuration reloaded", metadata: [
            "sources": "\(setup.config.sources.count)", "periods": "\(setup.schemes.keys.sorted())",
            "watch": "\(setup.config.intake.watch.rawValue)", "push": "\(setup.config.push != nil)",
        ])
        queue.requestRescan()
    }

    /// Watches what the new config names: a new watcher when `watch` turned to
    /// inotify, none when it turned to poll, else the sources that came and went.
    private func rewatch(from old: Config, to new: Config) {
        switch (old.intake.watch, new.intake.watch) {
        case (.inotify, .inotify):
            guard let watcher = watchers.value else { return }
            for s in old.sources where !new.sources.contains(where: { $0.path == s.path }) {
                watcher.remove(directory: s.path)
            }
            watchSources(new.sources.filter { s in !old.sources.contains(where: { $0.path == s.path }) })
        case (.poll, .inotify):
            do {
                watchers.replace(with: try DirectoryWatcher())?.stop()
                watchSources(new.sources)
            } catch {
                logger.warning("cannot start inotify; drop directories are rescanned every poll_interval", metadata: ["error": "\(error)"])
            }
        case (.inotify, .poll):
            watchers.replace(with: nil)?.stop()
        case (.poll, .poll):
            break
        }
    }
}
