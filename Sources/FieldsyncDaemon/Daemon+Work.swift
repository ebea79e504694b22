import FieldsyncConfig
import FieldsyncIntake
import FieldsyncModel
import FieldsyncProtocol
import FieldsyncSystem
import Foundation
import Logging

/// The work loop of ``IntakeService``: one file at a time, rescans, reloads and the
/// watchdog, and what it logs once of each condition.
extension Daemon {
    /// The loop that does the work: files one at a time, rescans, reloads, watchdog.
    func workLoop() {
        // The first scan at once.
        var lastScan = ContinuousClock.now - instance.setup.config.intake.pollInterval
        var lastPing = ContinuousClock.now
        let pingEvery = notifier?.watchdogPingInterval
        while !queue.stopRequested {
            let now = ContinuousClock.now
            if let pingEvery, now - lastPing >= pingEvery {
                try? notifier?.watchdog()
                lastPing = now
            }
            if queue.takeReload() { reload() }
            let pollInterval = instance.setup.config.intake.pollInterval
            let sinceScan = now - lastScan
            if sinceScan >= pollInterval || (sinceScan >= Daemon.scanSpacing && queue.takeRescan()) {
                _ = queue.takeRescan()
                logOverflows()
                rescan()
                lastScan = ContinuousClock.now
            }
            publishWriters()
            let batch = queue.next(upTo: Intake.groupSize)
            if !batch.isEmpty {
                process(batch)
                continue
            }
            var timeout = pollInterval - (ContinuousClock.now - lastScan)
            if queue.rescanRequested { timeout = min(timeout, Daemon.scanSpacing - (ContinuousClock.now - lastScan)) }
            if let pingEvery { timeout = min(timeout, pingEvery) }
            queue.wait(timeout: max(timeout, .milliseconds(1)))
        }
    }

    /// Processes the files queued, as one group commit (``Intake/process(_:)``): a
    /// burst shares the fsyncs; a file alone is a group of one.
    func process(_ items: [WorkQueue.Item]) {
        let instance = self.instance
        let files = items.compactMap { item -> (source: Source, name: FileName)? in
            guard let source = instance.setup.config.source(named: item.source),
                  !beingWritten.contains(.init(source: item.source, name: item.name)) else { return nil }
            return (source, item.name)
        }
        guard !files.isEmpty else { return }
        // The courier was told of a change right after the commit (Instance's afterChange).
        // Between two groups of a large batch: the watchdog is pinged, and a stop
        // (SIGTERM) leaves the files not reached for the next start.
        let outcomes = instance.intake.process(files) { [queue, notifier] in
            try? notifier?.watchdog()
            return !queue.stopRequested
        }
        for (file, outcome) in zip(files, outcomes) {
            switch outcome {
            case .skipped, .tooRecent:
                continue
            case .unanswered(let fault):
                note(fault, of: file.source)
                continue
            case .accepted, .rejected:
                note(nil, of: file.source)
            }
        }
        if let last = files.last {
            try? notifier?.status("backlog \(queue.backlog) files; last \(last.source.name)/\(last.name)")
        }
    }

    /// Writes `state_dir/writers.json` when the files being written changed.
    func publishWriters() {
        guard let directory = instance.intake.stateDirectory else { return }
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
        let instance = self.instance
        let quiet = Intake.quietPeriod(pollInterval: instance.setup.config.intake.pollInterval)
        for source in instance.setup.config.sources {
            let listedAt = Timestamp.now()
            let listing = instance.intake.listing(of: source, reopening: true)
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
                try? watchers.value?.add(directory: source.path)
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
        guard let watcher = watchers.value else { return }
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
}
