import FieldsyncSystem
import Foundation
import Glibc
import Logging
import Synchronization

/// `fieldsync run`: the long-running intake service (SPEC §8).
///
/// One work loop, on a thread of its own, does every file through the same `Intake`
/// as `ingest`, one file at a time; inotify, signals and timers only queue work for it.
/// The loop pings the systemd watchdog between files and while idle, so a stuck loop
/// gets the service restarted. SIGTERM lets the current file finish; SIGHUP reloads
/// config and schemes, keeping the old ones if the new ones are invalid.
public final class Daemon: Sendable {
    let configPath: String
    let logger: Logger
    let queue = WorkQueue()
    let current: Mutex<Service>
    let notifier: SystemdNotifier?
    let watcher: DirectoryWatcher?
    /// Delivery, when `[push]` is configured; told after every change.
    let courier: Mutex<Courier?>
    private let missing = Mutex<Set<String>>([])

    public init(configPath: String, logger: Logger, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        self.configPath = configPath
        self.logger = logger
        let setup = try Setup.load(config: configPath)
        let store = try Store.open(directory: setup.config.stateDirectory)
        let service = Service(setup: setup, store: store, logger: logger)
        try service.prepare()
        current = Mutex(service)
        notifier = SystemdNotifier(environment: environment)
        watcher = setup.config.intake.watch == .inotify ? try DirectoryWatcher() : nil
        courier = Mutex(setup.config.push.map { Courier(service: service, settings: $0, logger: logger) })
    }

    var service: Service { current.withLock { $0 } }

    /// Runs until SIGTERM or SIGINT; returns the exit status.
    public func run() async -> Int32 {
        let signals = SignalStream()
        // Watches first, then the start-up scan: nothing dropped in between slips by.
        watchSources(service.setup.config.sources)
        queue.requestRescan()

        let signalTask = Task {
            for await signal in signals.signals {
                if signal == SIGHUP { queue.requestReload() } else { queue.requestStop() }
            }
        }
        let watchTask = Task { [watcher, queue, logger] in
            guard let watcher else { return }
            for await event in watcher.events {
                switch event {
                case .file(let directory, let name):
                    if let source = self.service.setup.config.sources.first(where: { $0.path == directory }) {
                        queue.add(.init(source: source.name, name: name))
                    }
                case .overflow:
                    logger.warning("inotify queue overflowed; rescanning every drop directory")
                    queue.requestRescan()
                case .directoryGone(let directory):
                    logger.warning("drop directory disappeared; will pick it up again when it is back", metadata: ["path": "\(directory)"])
                    self.missing.withLock { _ = $0.insert(directory) }
                }
            }
        }
        let courierTask = Task { await self.courier.withLock { $0 }?.run() }

        try? notifier?.ready(status: "watching \(service.setup.config.sources.count) drop directories")
        logger.info("fieldsync started", metadata: [
            "config": "\(configPath)", "sources": "\(service.setup.config.sources.count)",
            "watch": "\(service.setup.config.intake.watch.rawValue)",
        ])

        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            let thread = Thread { [self] in
                workLoop()
                done.resume()
            }
            thread.name = "fieldsync-work"
            thread.start()
        }

        try? notifier?.stopping()
        logger.info("fieldsync stopping")
        courier.withLock { $0 }?.stop()
        watcher?.stop()
        signals.cancel()
        signalTask.cancel()
        watchTask.cancel()
        await courierTask.value
        do {
            try service.store.close()
        } catch {
            logger.warning("could not close the store cleanly; SQLite recovers it at the next start", metadata: ["error": "\(error)"])
        }
        return 0
    }

    /// The loop that does the work: files one at a time, rescans, reloads, watchdog.
    func workLoop() {
        var lastScan = ContinuousClock.now
        var lastPing = ContinuousClock.now
        let pingEvery = notifier?.watchdogPingInterval
        while !queue.stopRequested {
            let now = ContinuousClock.now
            if let pingEvery, now - lastPing >= pingEvery {
                try? notifier?.watchdog()
                lastPing = now
            }
            if queue.takeReload() { reload() }
            let pollInterval = service.setup.config.intake.pollInterval
            if queue.takeRescan() || now - lastScan >= pollInterval {
                rescan()
                lastScan = ContinuousClock.now
            }
            if let item = queue.next() {
                process(item)
                continue
            }
            var timeout = pollInterval - (ContinuousClock.now - lastScan)
            if let pingEvery { timeout = min(timeout, pingEvery) }
            queue.wait(timeout: max(timeout, .milliseconds(1)))
        }
    }

    func process(_ item: WorkQueue.Item) {
        let service = self.service
        guard let source = service.setup.config.source(named: item.source) else { return }
        let outcome = service.intake.process(source: source, name: item.name)
        if case .skipped = outcome { return }
        if case .accepted(let receipt) = outcome, receipt.counts.changedAnything {
            courier.withLock { $0 }?.changed()
        }
        try? notifier?.status("backlog \(queue.backlog) files; last \(source.name)/\(item.name)")
    }

    /// Queues every waiting file of every source; re-watches a directory that came back.
    func rescan() {
        let service = self.service
        let quiet = Daemon.quietPeriod(pollInterval: service.setup.config.intake.pollInterval)
        for source in service.setup.config.sources {
            var isDir: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: source.path, isDirectory: &isDir) && isDir.boolValue
            let wasMissing = missing.withLock { $0.contains(source.path) }
            if !exists {
                if !wasMissing {
                    logger.warning("drop directory is missing", metadata: ["source": "\(source.name)", "path": "\(source.path)"])
                    missing.withLock { _ = $0.insert(source.path) }
                }
                continue
            }
            if wasMissing {
                logger.notice("drop directory is back", metadata: ["source": "\(source.name)", "path": "\(source.path)"])
                missing.withLock { _ = $0.remove(source.path) }
                try? watcher?.add(directory: source.path)
            }
            let now = Timestamp.now()
            for file in service.intake.waiting(in: source) where !Daemon.modifiedRecently(file, within: quiet, now: now) {
                queue.add(.init(source: source.name, name: file.name))
            }
        }
    }

    /// How long a file found by a scan must have been left unmodified before it is read.
    /// A scan cannot tell a finished file from one a writer still has open (a writer
    /// that writes in place instead of write-then-rename, a slow upload): reading it then
    /// would take half a file — rejected as truncated, or worse, accepted short and its
    /// rest lost when the original is removed. Such a file is left to its IN_CLOSE_WRITE
    /// (inotify) or to a later scan once it has been quiet this long.
    static func quietPeriod(pollInterval: Duration) -> Duration {
        max(pollInterval, .seconds(1))
    }

    /// Whether `path` is a regular file whose mtime is within `quiet` of now. An mtime
    /// further in the future than that (a writer's clock far ahead) does not count, so
    /// such a file is not held back for ever.
    static func modifiedRecently(_ file: WaitingFile, within quiet: Duration, now: Timestamp) -> Bool {
        let age = file.age(at: now)
        return file.isRegular && age < quiet && age > .zero - quiet
    }

    func watchSources(_ sources: [Source]) {
        guard let watcher else { return }
        for source in sources {
            do {
                try watcher.add(directory: source.path)
            } catch {
                logger.warning("cannot watch drop directory; it is rescanned every poll_interval", metadata: [
                    "source": "\(source.name)", "error": "\(error)",
                ])
                missing.withLock { _ = $0.insert(source.path) }
            }
        }
    }

    /// SIGHUP: a new config and schemes, or — if they are invalid — the old ones.
    func reload() {
        try? notifier?.reloading()
        defer { try? notifier?.ready(status: "reloaded") }
        let old = service
        let setup: Setup
        do {
            setup = try Setup.load(config: configPath)
        } catch {
            logger.error("reload failed; keeping the previous configuration", metadata: ["error": "\(error)"])
            return
        }
        if setup.config.stateDirectory != old.setup.config.stateDirectory {
            logger.error("reload cannot move state_dir; restart the service for that. Keeping the previous configuration", metadata: [
                "old": "\(old.setup.config.stateDirectory)", "new": "\(setup.config.stateDirectory)",
            ])
            return
        }
        let service = Service(setup: setup, store: old.store, logger: logger)
        do {
            try service.prepare()
        } catch {
            logger.error("reload could not prepare the new configuration; keeping the previous one", metadata: ["error": "\(error)"])
            return
        }
        if let watcher {
            for s in old.setup.config.sources where !setup.config.sources.contains(where: { $0.path == s.path }) {
                watcher.remove(directory: s.path)
            }
        }
        current.withLock { $0 = service }
        watchSources(setup.config.sources.filter { s in !old.setup.config.sources.contains(where: { $0.path == s.path }) })
        courier.withLock { c in
            c?.stop()
            c = setup.config.push.map { Courier(service: service, settings: $0, logger: logger) }
            if let c { Task { await c.run() } }
        }
        logger.notice("configuration reloaded", metadata: ["sources": "\(setup.config.sources.count)", "periods": "\(setup.schemes.keys.sorted())"])
        queue.requestRescan()
    }
}
