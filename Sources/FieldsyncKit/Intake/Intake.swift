import Foundation
import GRDB
import Glibc
import Logging

/// Called inside the transaction that accepted a file which changed records, with the
/// periods it touched: delivery writes the next scores document to its outbox there, so
/// the change and the document to push commit together or not at all.
public typealias ChangeHook = @Sendable (Database, Set<String>) throws -> Void

/// The one path from a dropped file to the store, used by `ingest`, `run` and (as a dry
/// run) `check` alike: stage, parse, validate, reconcile, commit; then archive, receipt,
/// removal (SPEC §4.2).
///
/// The order makes a kill at any instant safe: until the commit nothing counts and the
/// drop file is still there; after it, the ledger knows the file's sha256, so a rerun
/// finishes the file (archive, receipt, removal) without counting it again.
public final class Intake: Sendable {
    public let setup: Setup
    public let store: Store
    let logger: Logger
    let onChange: ChangeHook?
    /// Most problems written to one errors file.
    static let maxProblems = 1000

    public init(setup: Setup, store: Store, logger: Logger, onChange: ChangeHook? = nil) {
        self.setup = setup
        self.store = store
        self.logger = logger
        self.onChange = onChange
    }

    var stateDirectory: String { setup.config.stateDirectory }
    var incoming: String { stateDirectory + "/incoming" }

    /// Removes half-staged copies left by a process that was killed; call once at start.
    public func recover() throws {
        try FileSync.makeDirectory(incoming)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: incoming)) ?? [] {
            unlink(incoming + "/" + name)
        }
        for source in setup.config.sources {
            for sub in ["", "/receipts", "/rejected"] {
                try? FileSync.makeDirectory(source.path + sub, mode: sub.isEmpty ? 0o770 : 0o750)
            }
        }
    }

    /// Files waiting in a drop directory, oldest first, each as one `lstat` saw it.
    public func waiting(in source: Source) -> [WaitingFile] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: source.path) else { return [] }
        var files: [WaitingFile] = []
        for name in names where !DropFile.isTemporary(name) {
            var st = stat()
            guard lstat(source.path + "/" + name, &st) == 0, st.st_mode & S_IFMT != S_IFDIR else { continue }
            files.append(WaitingFile(name: name, modified: Timestamp(st.st_mtim),
                                     isRegular: st.st_mode & S_IFMT == S_IFREG))
        }
        return files.sorted { ($0.modified, $0.name) < ($1.modified, $1.name) }
    }

    /// Processes every file now in every drop directory once.
    @discardableResult
    public func ingestAll() -> [(source: String, name: String, outcome: FileOutcome)] {
        var results: [(String, String, FileOutcome)] = []
        for source in setup.config.sources {
            for file in waiting(in: source) {
                results.append((source.name, file.name, process(source: source, name: file.name)))
            }
        }
        return results
    }

    /// Processes one file of a drop directory.
    public func process(source: Source, name: String) -> FileOutcome {
        guard !DropFile.isTemporary(name), !name.contains("/") else { return .skipped }
        let receivedAt = Timestamp.now()
        if let type = DropFile.entryType(directory: source.path, name: name) {
            if type == S_IFDIR { return .skipped }
            if type != S_IFREG {
                return reject(source: source, name: name, staged: nil, receivedAt: receivedAt,
                              problems: [Refusal.notRegular(DropFile.describe(type)).problem])
            }
        } else {
            return .skipped
        }
        guard let format = RecordFormat(fileName: name) else {
            return reject(source: source, name: name, staged: nil, receivedAt: receivedAt,
                          problems: [Reason.unsupportedFileType])
        }
        let staged: StagedFile
        do {
            staged = try DropFile.stage(directory: source.path, name: name, maxSize: setup.config.intake.maxFileSize,
                                        incoming: incoming)
        } catch .vanished {
            return .skipped
        } catch {
            return reject(source: source, name: name, staged: nil, receivedAt: receivedAt, problems: [error.problem])
        }
        defer { unlink(staged.path) }
        do {
            // Already in the ledger: finish an interrupted file, or acknowledge a re-drop.
            if let entry = try store.writer.read({ try Ledger.accepted($0, sha256: staged.sha256) }) {
                return try finishKnown(entry, source: source, staged: staged, receivedAt: receivedAt)
            }
            let result = try apply(source: source, staged: staged, format: format, receivedAt: receivedAt, dryRun: false)
            switch result {
            case .failure(let problems):
                return reject(source: source, name: name, staged: staged, receivedAt: receivedAt, problems: problems.all)
            case .success(let (fileID, counts, archive)):
                FaultPoint.hit("after-commit")
                let receipt = Receipt(file: name, sha256: staged.sha256, acceptedAt: receivedAt, counts: counts)
                try complete(fileID: fileID, source: source, staged: staged, archive: archive, receipt: receipt)
                logger.info("accepted", metadata: [
                    "source": "\(source.name)", "file": "\(name)", "records": "\(counts.records)",
                    "imported": "\(counts.imported)", "updated": "\(counts.updated)",
                    "ignored": "\(counts.ignored)", "retracted": "\(counts.retracted)",
                ])
                return .accepted(receipt)
            }
        } catch {
            // The store or the disk failed, not the file: leave it for the next scan.
            logger.error("could not process file; it stays for the next scan", metadata: [
                "source": "\(source.name)", "file": "\(name)", "error": "\(error)",
            ])
            return .skipped
        }
    }

    /// Validates a file as `source` would, reconciling against the store in a
    /// transaction that is always rolled back: nothing is stored (`fieldsync check`).
    public func check(path: String, source: Source) throws -> Result<ReceiptCounts, Problems> {
        let parent = (path as NSString).deletingLastPathComponent
        let dir = parent.isEmpty ? "." : parent
        let name = (path as NSString).lastPathComponent
        guard let format = RecordFormat(fileName: name) else {
            return .failure(Problems([Reason.unsupportedFileType]))
        }
        if let type = DropFile.entryType(directory: dir, name: name), type != S_IFREG {
            return .failure(Problems([Refusal.notRegular(DropFile.describe(type)).problem]))
        }
        let scratch = NSTemporaryDirectory() + "fieldsync-check-\(UUID().uuidString.prefix(8))"
        try FileSync.makeDirectory(scratch)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let staged: StagedFile
        do {
            staged = try DropFile.stage(directory: dir, name: name,
                                        maxSize: setup.config.intake.maxFileSize, incoming: scratch)
        } catch {
            return .failure(Problems([error.problem]))
        }
        return try apply(source: source, staged: staged, format: format, receivedAt: Timestamp.now(), dryRun: true)
            .map { $0.1 }
    }

    /// Parses, validates and reconciles a staged file in one transaction.
    private func apply(source: Source, staged: StagedFile, format: RecordFormat, receivedAt: Timestamp,
                       dryRun: Bool) throws -> Result<(Int64, ReceiptCounts, String), Problems> {
        let validator = RecordValidator(source: source, schemes: setup.schemes, receivedAt: receivedAt)
        let archive = archivePath(source: source, name: staged.name, receivedAt: receivedAt)
        var outcome: Result<(Int64, ReceiptCounts, String), Problems> = .failure(Problems([]))
        try store.writer.writeWithoutTransaction { db in
            try db.inTransaction(.immediate) {
                let fileID = try Ledger.insert(db, sha256: staged.sha256, source: source.name, name: staged.name,
                                               size: staged.size, receivedAt: receivedAt, outcome: "accepted")
                var reconciler = try Reconciler(db: db, fileID: fileID)
                var problems: [Problem] = []
                var counts = ReceiptCounts()
                var periods = Set<String>()
                var lastPeriod = ""
                let pipeline = RecordPipeline(staged: staged, format: format, validator: validator)
                do {
                    while let batch = pipeline.next() {
                        for record in batch {
                            switch try reconciler.apply(record) {
                            case .success(let change):
                                counts.count(change)
                                // Compared before hashed: a file's records are mostly of one period.
                                if change != .ignored, record.period != lastPeriod {
                                    periods.insert(record.period)
                                    lastPeriod = record.period
                                }
                            case .failure(let problem):
                                problems.append(problem)
                            }
                        }
                    }
                } catch {
                    pipeline.cancel()
                    throw error
                }
                problems += try pipeline.finish()
                // File order, validation and reconciliation problems merged (stable).
                problems = problems.enumerated()
                    .sorted { ($0.element.location.order, $0.offset) < ($1.element.location.order, $1.offset) }
                    .map(\.element)
                if problems.isEmpty && counts.records == 0 {
                    problems.append(Problem(.file, zh: "文件中没有记录", en: "the file holds no records"))
                }
                if !problems.isEmpty || dryRun {
                    outcome = problems.isEmpty ? .success((fileID, counts, archive)) : .failure(Problems(problems))
                    return .rollback
                }
                try Ledger.record(db, file: fileID, counts: counts, archive: archive, finished: false)
                if !periods.isEmpty, let onChange { try onChange(db, periods) }
                outcome = .success((fileID, counts, archive))
                return .commit
            }
        }
        return outcome
    }

    /// After the commit: archive the staged copy, write the receipt, remove the drop
    /// file, and mark the ledger entry finished.
    private func complete(fileID: Int64, source: Source, staged: StagedFile, archive: String, receipt: Receipt) throws {
        let archivePath = stateDirectory + "/" + archive
        try FileSync.makeDirectory((archivePath as NSString).deletingLastPathComponent)
        try FileSync.move(staged.path, to: archivePath)
        FaultPoint.hit("after-archive")
        try writeReceipt(receipt, source: source)
        FaultPoint.hit("after-receipt")
        DropFile.removeOriginal(directory: source.path, name: staged.name, device: staged.device, inode: staged.inode)
        try store.writer.write { try Ledger.finish($0, file: fileID) }
    }

    private func finishKnown(_ entry: LedgerEntry, source: Source, staged: StagedFile,
                             receivedAt: Timestamp) throws -> FileOutcome {
        if !entry.finished, entry.source == source.name, entry.name == staged.name, let archive = entry.archive {
            logger.notice("finishing a file accepted before an interruption", metadata: [
                "source": "\(source.name)", "file": "\(staged.name)",
            ])
            let receipt = Receipt(file: staged.name, sha256: staged.sha256, acceptedAt: entry.receivedAt, counts: entry.counts)
            try complete(fileID: entry.id, source: source, staged: staged, archive: archive, receipt: receipt)
            return .accepted(receipt)
        }
        // The same bytes again: a no-op, acknowledged with a receipt.
        let counts = ReceiptCounts(records: entry.counts.records, ignored: entry.counts.records)
        let receipt = Receipt(file: staged.name, sha256: staged.sha256, acceptedAt: receivedAt, counts: counts,
                              duplicateOf: entry.name)
        try store.writer.write { db in
            let id = try Ledger.insert(db, sha256: staged.sha256, source: source.name, name: staged.name,
                                       size: staged.size, receivedAt: receivedAt, outcome: "duplicate")
            try Ledger.record(db, file: id, counts: counts, archive: entry.archive, finished: true)
        }
        try writeReceipt(receipt, source: source)
        DropFile.removeOriginal(directory: source.path, name: staged.name, device: staged.device, inode: staged.inode)
        logger.info("accepted a re-drop of known bytes as a no-op", metadata: [
            "source": "\(source.name)", "file": "\(staged.name)", "first": "\(entry.name)",
        ])
        return .accepted(receipt)
    }

    private func writeReceipt(_ receipt: Receipt, source: Source) throws {
        let dir = source.path + "/receipts"
        try FileSync.makeDirectory(dir, mode: 0o750)
        try FileSync.writeAtomically(Array((receipt.json.rendered(pretty: true) + "\n").utf8),
                                     to: dir + "/" + receipt.file + ".receipt.json")
    }

    /// Moves a file aside to `rejected/` with its errors file. The ledger counts the
    /// rejection first, then the errors file is written, then the file moved, then the
    /// ledger entry finished: a kill at any point leaves either the file to be rejected
    /// again under the same ledger entry, or a file aside that is counted once — never
    /// a file without reasons or a rejection `status` does not count.
    ///
    /// Only the file that was read is moved: one replaced meanwhile under the same name
    /// is left for the next scan.
    func reject(source: Source, name: String, staged: StagedFile?, receivedAt: Timestamp,
                        problems: [Problem]) -> FileOutcome {
        var st = stat()
        guard lstat(source.path + "/" + name, &st) == 0 else { return .skipped }
        if let staged, UInt64(st.st_dev) != staged.device || UInt64(st.st_ino) != staged.inode {
            return .skipped
        }
        // Renamed into the drop directory (or written) at this time; moving it aside
        // would change it again.
        let changedAt = Timestamp(st.st_ctim)
        let dir = source.path + "/rejected"
        var lines = problems.prefix(Intake.maxProblems).map(\.description)
        if problems.count > Intake.maxProblems {
            let more = problems.count - Intake.maxProblems
            lines.append("文件 file · 另有 \(more) 个问题未列出 / \(more) more problems not listed")
        }
        do {
            let id = try store.writer.write { db in
                try Ledger.rejected(db, sha256: staged?.sha256 ?? "", source: source.name, name: name,
                                    size: staged?.size ?? 0, receivedAt: receivedAt, changedAt: changedAt,
                                    problems: problems)
            }
            FaultPoint.hit("after-reject-ledger")
            try FileSync.makeDirectory(dir, mode: 0o750)
            try FileSync.writeAtomically(Array((lines.joined(separator: "\n") + "\n").utf8), to: dir + "/" + name + ".errors.txt")
            try FileSync.move(source.path + "/" + name, to: dir + "/" + name)
            FaultPoint.hit("after-reject-move")
            try store.writer.write { try Ledger.finish($0, file: id) }
        } catch {
            logger.error("could not set a rejected file aside; it stays for the next scan", metadata: [
                "source": "\(source.name)", "file": "\(name)", "error": "\(error)",
            ])
        }
        logger.warning("rejected", metadata: [
            "source": "\(source.name)", "file": "\(name)", "problems": "\(problems.count)",
            "first": "\(problems.first?.en ?? "")",
        ])
        return .rejected(problems)
    }

    private func archivePath(source: Source, name: String, receivedAt: Timestamp) -> String {
        let day = String(receivedAt.iso8601.prefix(10))
        return "archive/\(source.name)/\(day)/\(receivedAt.microseconds)-\(name)"
    }
}
