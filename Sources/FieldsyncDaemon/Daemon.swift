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
    /// Files a writer still has open: not read until they are closed.
    let beingWritten = FilesBeingWritten()
    /// What has been logged about each source's directory, so that it is logged once.
    private let reported = Mutex<[String: ReportedConditions]>([:])
    /// inotify overflows since the last warning: logged at most once a minute, since a
    /// clerk can cause them by the thousand.
    private let overflows = Mutex<(count: Int, lastLogged: ContinuousClock.Instant?)>((0, nil))
    /// A file waiting on its writer this long is worth a warning (once).
    static let longWrite: Duration = .seconds(3600)
    /// Scans asked for by events (an overflow) come at most this often.
    static let scanSpacing: Duration = .seconds(1)

    public init(configPath: String, logger: Logger, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        self.configPath = configPath
        self.logger = logger
        let setup = try Setup.load(config: configPath)
        let store = try Service.openStore(directory: setup.config.stateDirectory)
        let service = Service(setup: setup, store: store, logger: logger)
        try service.prepare()
        current = Mutex(service)
        notifier = SystemdNotifier(environment: environment)
        watcher = setup.config.intake.watch == .inotify ? try DirectoryWatcher() : nil
        courier = Mutex(setup.config.push.map { Courier(store: service.store, office: setup.config.office, settings: $0, schemes: setup.schemes, logger: logger) })
    }

    var service: Service { current.withLock { $0 } }

    func source(watching directory: String) -> Source? {
        service.setup.config.sources.first { $0.path == directory }
    }

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
                    if let source = self.source(watching: directory) {
                        self.beingWritten.closed(.init(source: source.name, name: name))
                        queue.add(.init(source: source.name, name: name))
                    }
                case .modified(let directory, let name):
                    if !DropName.isTemporary(name), let source = self.source(watching: directory) {
                        let identity = self.service.intake.status(of: name, in: source)?.identity
                        self.beingWritten.open(.init(source: source.name, name: name), identity: identity, at: .now())
                    }
                case .overflow:
                    // Holds stand: a close lost here leaves one waiting (status shows
                    // it), never a file read half.
                    self.overflows.withLock { $0.count += 1 }
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
        // The first scan at once.
        var lastScan = ContinuousClock.now - service.setup.config.intake.pollInterval
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
            let sinceScan = now - lastScan
            if sinceScan >= pollInterval || (sinceScan >= Daemon.scanSpacing && queue.takeRescan()) {
                _ = queue.takeRescan()
                logOverflows()
                rescan()
                lastScan = ContinuousClock.now
            }
            publishWriters()
            if let item = queue.next() {
                process(item)
                continue
            }
            var timeout = pollInterval - (ContinuousClock.now - lastScan)
            if queue.rescanRequested { timeout = min(timeout, Daemon.scanSpacing - (ContinuousClock.now - lastScan)) }
            if let pingEvery { timeout = min(timeout, pingEvery) }
            queue.wait(timeout: max(timeout, .milliseconds(1)))
        }
    }

    func process(_ item: WorkQueue.Item) {
        let service = self.service
        guard let source = service.setup.config.source(named: item.source),
              !beingWritten.contains(.init(source: item.source, name: item.name)) else { return }
        let outcome = service.intake.process(source: source, name: item.name)
        switch outcome {
        case .skipped, .tooRecent:
            return
        case .unanswered(let fault):
            note(fault, of: source)
            return
        case .accepted(let receipt):
            note(nil, of: source)
            if receipt.counts.changedAnything { courier.withLock { $0 }?.changed() }
        case .rejected:
            note(nil, of: source)
        }
        try? notifier?.status("backlog \(queue.backlog) files; last \(source.name)/\(item.name)")
    }

    /// Writes `state_dir/writers.json` when the files being written changed.
    func publishWriters() {
        guard let directory = service.intake.stateDirectory else { return }
        do {
            try beingWritten.publishIfChanged(in: directory, now: .now())
        } catch {
            logger.warning("cannot write writers.json for status", metadata: ["error": "\(error)"])
        }
    }

    /// Logs a source's fault when it appears or changes, and once when it is repaired.
    func note(_ fault: DropDirectoryFault?, of source: Source) {
        let previous = reported.withLock { r -> DropDirectoryFault? in
            defer { r[source.name, default: ReportedConditions()].fault = fault }
            return r[source.name]?.fault
        }
        guard previous != fault else { return }
        if let fault {
            logger.error("drop directory cannot be answered; its files wait until it is repaired", metadata: [
                "source": "\(source.name)", "path": "\(source.path)", "fault": "\(fault)",
            ])
        } else {
            logger.notice("drop directory repaired; its files are processed again", metadata: ["source": "\(source.name)"])
        }
    }

    /// Logs directories dropped in beside the files, each once while it is there.
    func note(directories: [FileName], of source: Source) {
        let new = reported.withLock { r -> [FileName] in
            let known = r[source.name]?.directories ?? []
            r[source.name, default: ReportedConditions()].directories = Set(directories)
            return directories.filter { !known.contains($0) }
        }
        for name in new {
            logger.warning("a directory was dropped in a drop directory; only files are read, it is left alone", metadata: [
                "source": "\(source.name)", "directory": "\(DropName.escaped(name))",
            ])
        }
    }

    /// Queues every waiting file of every source, except those a writer still has
    /// open or modified within the quiet period; re-watches a directory that came back;
    /// logs what cannot be answered, once.
    func rescan() {
        let service = self.service
        let quiet = Intake.quietPeriod(pollInterval: service.setup.config.intake.pollInterval)
        for source in service.setup.config.sources {
            let listedAt = Timestamp.now()
            let listing = service.intake.listing(of: source, reopening: true)
            let wasMissing = missing.withLock { $0.contains(source.path) }
            if listing.fault?.entry == nil, let fault = listing.fault {
                if !wasMissing {
                    logger.warning("drop directory is missing or unusable", metadata: [
                        "source": "\(source.name)", "path": "\(source.path)", "fault": "\(fault)",
                    ])
                    missing.withLock { _ = $0.insert(source.path) }
                }
                continue
            }
            if wasMissing {
                logger.notice("drop directory is back", metadata: ["source": "\(source.name)", "path": "\(source.path)"])
                missing.withLock { _ = $0.remove(source.path) }
                try? watcher?.add(directory: source.path)
            }
            note(listing.fault, of: source)
            note(directories: listing.directories, of: source)
            if listing.complete {
                beingWritten.prune(source: source.name, present: listing.identities, listedAt: listedAt)
            }
            guard listing.fault == nil else { continue }
            let now = Timestamp.now()
            for file in listing.files where !file.modifiedRecently(within: quiet, now: now) {
                queue.add(.init(source: source.name, name: file.name))
            }
        }
        for (entry, since) in beingWritten.overdue(Daemon.longWrite, now: .now()) {
            logger.warning("a file has been waiting on its writer for over an hour; if nobody is writing it, a restart releases it", metadata: [
                "source": "\(entry.source)", "file": "\(entry.name)", "since": "\(since.iso8601)",
            ])
        }
        logger.debug("scanned the drop directories", metadata: ["backlog": "\(queue.backlog)"])
    }

    /// Warns of inotify overflows, at most once a minute, with how many there were.
    func logOverflows() {
        let count = overflows.withLock { o -> Int in
            let now = ContinuousClock.now
            guard o.count > 0, o.lastLogged.map({ now - $0 >= .seconds(60) }) ?? true else { return 0 }
            defer { o = (0, now) }
            return o.count
        }
        if count > 0 {
            logger.warning("inotify queue overflowed; rescanning every drop directory", metadata: ["overflows": "\(count)"])
        }
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
            c = setup.config.push.map { Courier(store: service.store, office: setup.config.office, settings: $0, schemes: setup.schemes, logger: logger) }
            if let c { Task { await c.run() } }
        }
        logger.notice("configuration reloaded", metadata: ["sources": "\(setup.config.sources.count)", "periods": "\(setup.schemes.keys.sorted())"])
        queue.requestRescan()
    }
}
