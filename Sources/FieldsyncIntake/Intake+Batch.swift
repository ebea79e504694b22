import FieldsyncModel
import FieldsyncRecords
import FieldsyncStore
import FieldsyncSystem
import Glibc
import GRDB

/// Group commit: several files reconciled in one transaction and answered together,
/// each still all or nothing.
///
/// A one-record file costs a handful of fsyncs — the store's commit, the archive's
/// directory, the receipt and its directory, the drop directory, the ledger's "finished"
/// — whatever it holds. A burst of files shares them: every file is staged (copied,
/// not yet synced), then all are reconciled in one transaction, each in a savepoint of its own
/// (a refused file rolls back only itself), and after that one commit each step of the
/// answer is taken for all of them before the next (archive all, then one syncfs(2) of
/// the state directory's file system makes every copy and rename durable; receipts, then
/// one syncfs of each drop directory's file system; removals, each drop directory synced
/// once; one ledger write). A group of a few files (``Intake/copiesSyncedOneByOne``)
/// syncs each copy and each receipt instead: a file system's sync also waits for
/// everything else written there, such as the store's checkpoint of a large file.
/// So the order that makes a kill safe (SPEC §4.2) holds for
/// every file: its receipt is written only after its own commit is durable, its drop
/// file removed only after its receipt is, and a kill between two steps leaves each
/// file of the group where a kill would have left it alone.
extension Intake {
    /// A file looked at and copied into `incoming/`, waiting for the group's transaction.
    struct Pending {
        let dropped: Dropped
        let staged: StagedFile
        let text: String
        let format: RecordFormat
        let incoming: DirectoryHandle
    }

    /// An accepted file between its commit and its answer.
    struct Committed {
        let fileID: Int64
        let dropped: Dropped
        let staged: StagedFile
        let archive: String
        let receipt: Receipt
    }

    /// What the group's transaction made of one pending file.
    private enum Reconciled {
        case committed(Committed)
        case refused(Problems)
        /// Already in the ledger before this group: finished or acknowledged on its own.
        case known(LedgerEntry)
        /// The same bytes as a file earlier in this group: processed again once that
        /// one is committed, as the re-drop it is.
        case again
        /// The store failed on this file (not the file's fault): it stays for the next
        /// scan; the rest of the group goes on.
        case failed(any Error)
    }

    /// Processes files in groups (see the type's comment) of at most ``Intake/groupSize``
    /// files and `groupBytes` (``Intake/groupBytes``) staged bytes each (a group closes
    /// after the file that reaches it), so that no
    /// transaction — and no wait for the next `between` — grows with a burst of large
    /// files. `between` is called between two groups: the daemon pings its watchdog
    /// there and returns false to stop (the files not reached stay, `.skipped`, for
    /// later). The outcomes are in the order of `files`.
    public func process(_ files: [(source: Source, name: FileName)], groupBytes: Int64 = Intake.groupBytes,
                        between: () -> Bool = { true }) -> [FileOutcome] {
        var outcomes = [FileOutcome](repeating: .skipped, count: files.count)
        var next = 0
        while next < files.count {
            if next > 0, !between() { break }
            var pending: [(index: Int, file: Pending)] = []
            var bytes: Int64 = 0
            while next < files.count, bytes < groupBytes, pending.count < Intake.groupSize {
                let file = files[next]
                switch prepare(source: file.source, name: file.name) {
                case .answered(let outcome): outcomes[next] = outcome
                case .pending(let p):
                    pending.append((next, p))
                    bytes += p.staged.size
                }
                next += 1
            }
            commit(pending, into: &outcomes)
        }
        return outcomes
    }

    /// Reconciles staged files in one transaction and answers them.
    private func commit(_ pending: [(index: Int, file: Pending)], into outcomes: inout [FileOutcome]) {
        guard !pending.isEmpty else { return }
        defer { for (_, p) in pending { try? p.incoming.removeFile(p.staged.copyName) } }

        var reconciled: [Reconciled] = []
        do {
            try store.writer.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    reconciled = []
                    var inThisGroup = Set<Int64>()
                    for (_, p) in pending {
                        let source = p.dropped.source
                        if let entry = try Ledger.accepted(db, sha256: p.staged.sha256, source: source.name) {
                            reconciled.append(inThisGroup.contains(entry.id) ? .again : .known(entry))
                            continue
                        }
                        var result: Result<(Int64, ReceiptCounts, String), Problems> = .failure(Problems())
                        do {
                            try db.inSavepoint {
                                result = try reconcile(db, source: source, staged: p.staged, text: p.text, format: p.format,
                                                       receivedAt: p.dropped.receivedAt, dryRun: false)
                                return result.isFailure ? .rollback : .commit
                            }
                        } catch {
                            // SQLite may have rolled the whole transaction back (a full
                            // disk, an I/O error): then the group as a whole fails.
                            guard db.isInsideTransaction else { throw error }
                            reconciled.append(.failed(error))
                            continue
                        }
                        switch result {
                        case .success(let (fileID, counts, archive)):
                            inThisGroup.insert(fileID)
                            let receipt = Receipt(file: p.text, sha256: p.staged.sha256, acceptedAt: p.dropped.receivedAt,
                                                  counts: counts)
                            reconciled.append(.committed(Committed(fileID: fileID, dropped: p.dropped, staged: p.staged,
                                                                   archive: archive, receipt: receipt)))
                        case .failure(let problems):
                            reconciled.append(.refused(problems))
                        }
                    }
                    return .commit
                }
            }
        } catch {
            // The store or the disk failed, not the files. One file alone stays for the
            // next scan; a group is tried again file by file, so that one file's failure
            // does not hold back the others.
            if pending.count > 1 {
                for (i, p) in pending { outcomes[i] = process(source: p.dropped.source, name: p.dropped.name) }
                return
            }
            for (_, p) in pending {
                logger.error("could not process file; it stays for the next scan", metadata: [
                    "source": "\(p.dropped.source.name)", "file": "\(p.text)", "error": "\(error)",
                ])
            }
            return
        }
        FaultPoint.hit("after-commit")
        if let afterChange, reconciled.contains(where: { if case .committed(let c) = $0 { c.receipt.counts.changedAnything } else { false } }) {
            afterChange()
        }

        let committed = reconciled.compactMap { if case .committed(let c) = $0 { c } else { nil } }
        var failures = complete(committed)[...]
        for ((i, p), result) in zip(pending, reconciled) {
            switch result {
            case .committed(let c):
                if let error = failures.popFirst() ?? nil {
                    logger.error("could not answer an accepted file; it is finished at the next scan", metadata: [
                        "source": "\(p.dropped.source.name)", "file": "\(p.text)", "error": "\(error)",
                    ])
                    continue
                }
                let counts = c.receipt.counts
                logger.info("accepted", metadata: [
                    "source": "\(p.dropped.source.name)", "file": "\(p.text)", "records": "\(counts.records)",
                    "imported": "\(counts.imported)", "updated": "\(counts.updated)",
                    "ignored": "\(counts.ignored)", "retracted": "\(counts.retracted)",
                ])
                outcomes[i] = .accepted(c.receipt)
            case .refused(let problems):
                outcomes[i] = reject(p.dropped, staged: p.staged, problems: problems)
            case .known(let entry):
                do {
                    outcomes[i] = try finishKnown(entry, p.dropped, text: p.text, staged: p.staged)
                } catch {
                    logger.error("could not process file; it stays for the next scan", metadata: [
                        "source": "\(p.dropped.source.name)", "file": "\(p.text)", "error": "\(error)",
                    ])
                }
            case .again:
                outcomes[i] = process(source: p.dropped.source, name: p.dropped.name)
            case .failed(let error):
                logger.error("could not process file; it stays for the next scan", metadata: [
                    "source": "\(p.dropped.source.name)", "file": "\(p.text)", "error": "\(error)",
                ])
            }
        }
    }

    /// Answers committed files, each step for all of them before the next: archive,
    /// receipt, removal, ledger. Returns each file's error, if a step failed for it —
    /// it then goes no further, and is finished when it is next processed.
    func complete(_ files: [Committed]) -> [(any Error)?] {
        var failed = [(any Error)?](repeating: nil, count: files.count)
        func live() -> [Int] { files.indices.filter { failed[$0] == nil } }
        /// Each directory synced once, for the files whose entries it holds — with its
        /// whole file system first when `contents`: the files' contents were not synced
        /// one by one.
        func sync(_ directories: [String: (handle: DirectoryHandle, files: [Int])], contents: Bool = false) {
            for (_, d) in directories where !d.files.isEmpty {
                do {
                    if contents { try d.handle.syncFileSystem() }
                    try d.handle.sync()
                } catch {
                    for i in d.files { failed[i] = error }
                }
            }
        }
        guard let state = state.withLock({ $0 }) else {
            return files.map { _ in SystemCallError("openat", subject: "state_dir", errno: EBADF) }
        }

        // archive / SOURCE / DAY / NAME, as archivePath made it (and the ledger keeps it).
        var days: [String: (handle: DirectoryHandle, files: [Int])] = [:]
        for i in live() {
            do {
                let parts = files[i].archive.split(separator: "/").map(String.init)
                guard parts.count == 4, let name = FileName(parts[3]) else {
                    throw SystemCallError("renameat", subject: files[i].archive, errno: EINVAL)
                }
                let key = parts[1] + "/" + parts[2]
                let day = try days[key]?.handle ?? state.archiveDirectory(source: parts[1], day: parts[2])
                try state.incoming.rename(files[i].staged.copyName, to: day, as: name)
                days[key, default: (day, [])].files.append(i)
            } catch {
                failed[i] = error
            }
        }
        // The staged copies were not synced as they were made: they are made durable
        // now, with the renames, before any receipt says they are kept. A few copies are
        // synced one by one (their writeback started when they were staged); a larger
        // group by one sync of the file system, which also waits for whatever else is
        // being written there — the store's checkpoint after a large file, for one.
        let oneByOne = files.count <= Intake.copiesSyncedOneByOne
        if oneByOne {
            for i in live() {
                do { try files[i].staged.copy.sync() } catch { failed[i] = error }
            }
            sync(["incoming": (state.incoming, live())])
        } else {
            sync(["incoming": (state.incoming, live())], contents: true)
        }
        sync(days)
        FaultPoint.hit("after-archive")

        // Receipts likewise: a few synced one by one, more by their file systems.
        var receipts: [String: (handle: DirectoryHandle, files: [Int])] = [:]
        for i in live() {
            let dropped = files[i].dropped
            do {
                try writeReceipt(files[i].receipt, for: dropped.name, dropped.handles, synced: oneByOne)
                receipts[dropped.source.name, default: (dropped.handles.receipts, [])].files.append(i)
            } catch {
                failed[i] = error
            }
        }
        sync(receipts, contents: !oneByOne)
        FaultPoint.hit("after-receipt")

        var drops: [String: (handle: DirectoryHandle, files: [Int])] = [:]
        for i in live() {
            let dropped = files[i].dropped
            do {
                try removeOriginal(dropped, staged: files[i].staged)
                drops[dropped.source.name, default: (dropped.handles.drop, [])].files.append(i)
            } catch {
                failed[i] = error
            }
        }
        sync(drops)
        FaultPoint.hit("after-removal")

        // The files are answered now (receipt durable, drop file gone): a failure to
        // say so in the ledger is finished when the store is next opened (recover()).
        let finished = live()
        do {
            let now = clock()
            try store.writer.write { db in
                for i in finished { try Ledger.finish(db, file: files[i].fileID, at: now) }
            }
        } catch {
            logger.warning("answered files not yet marked finished; they are at the next start", metadata: [
                "files": "\(finished.count)", "error": "\(error)",
            ])
        }
        return failed
    }
}

extension Result {
    var isFailure: Bool {
        if case .failure = self { true } else { false }
    }
}
