import FieldsyncModel
import FieldsyncProtocol
import FieldsyncRecords
import FieldsyncStore
import FieldsyncSystem
import Foundation
import Glibc
import GRDB

/// Reconciling a staged file in one transaction, and answering it: archive, receipt
/// and removal for an accepted file; `rejected/` and an errors file for a refused one.
extension Intake {
    /// Parses, validates and reconciles a staged file in one transaction.
    func apply(source: Source, staged: StagedFile, text: String, format: RecordFormat, receivedAt: Timestamp,
               dryRun: Bool) throws -> Result<(Int64, ReceiptCounts, String), Problems> {
        var outcome: Result<(Int64, ReceiptCounts, String), Problems> = .failure(Problems())
        try store.writer.writeWithoutTransaction { db in
            try db.inTransaction(.immediate) {
                outcome = try reconcile(db, source: source, staged: staged, text: text, format: format,
                                        receivedAt: receivedAt, dryRun: dryRun)
                return dryRun || outcome.isFailure ? .rollback : .commit
            }
        }
        return outcome
    }

    /// The file's records, parsed, validated and reconciled in `db` (in a transaction or
    /// savepoint the caller rolls back on a failure or a dry run): its ledger entry,
    /// its revisions, what is in force, the periods it changed.
    func reconcile(_ db: Database, source: Source, staged: StagedFile, text: String, format: RecordFormat,
                   receivedAt: Timestamp, dryRun: Bool) throws -> Result<(Int64, ReceiptCounts, String), Problems> {
        let validator = RecordValidator(source: source, schemes: setup.schemes, receivedAt: receivedAt)
        let fileID = try Ledger.insert(db, sha256: staged.sha256, source: source.name, name: text,
                                       size: staged.size, receivedAt: receivedAt, droppedAt: Timestamp(staged.status.changed),
                                       outcome: .accepted)
        let archive = archivePath(source: source, file: fileID, name: staged.name, receivedAt: receivedAt)
        var reconciler = try Reconciler(db: db, fileID: fileID, zone: setup.officeTimeZone)
        var problems = Problems()
        var counts = ReceiptCounts()
        var periods = Set<String>()
        var lastPeriod = ""
        // A workbook's sheet may inflate to twenty times what a drop file may be.
        let maxFileSize = setup.config.intake.maxFileSize
        let inflateLimit = maxFileSize > Int64(Int.max) / 20 ? Int.max : Int(maxFileSize) * 20
        let pipeline = RecordPipeline(staged: staged, format: format, validator: validator, inflateLimit: inflateLimit)
        do {
            var batch: [FieldsyncModel.Record] = []
            while pipeline.next(&batch) {
                // Each record borrowed where it lies: `for record in batch` copied every
                // record (a dozen retains, then as many releases) on the busier thread.
                try batch.withUnsafeBufferPointer { records in
                    for i in records.indices {
                        switch try reconciler.apply(records[i]) {
                        case .success(let change):
                            counts.count(change)
                            // Compared before hashed: a file's records are mostly of one period.
                            if change != .ignored, records[i].period != lastPeriod {
                                periods.insert(records[i].period)
                                lastPeriod = records[i].period
                            }
                        case .failure(let problem):
                            problems.append(problem)
                        }
                    }
                }
            }
        } catch {
            pipeline.cancel()
            throw error
        }
        problems.append(contentsOf: try pipeline.finish())
        if problems.isEmpty && counts.records == 0 {
            problems.append(Problem(.file, zh: "文件中没有记录", en: "the file holds no records"))
        }
        if !problems.isEmpty { return .failure(problems) }
        if dryRun { return .success((fileID, counts, archive)) }
        try reconciler.finish()
        try Ledger.record(db, file: fileID, counts: counts, archive: archive, answeredAt: nil)
        if !periods.isEmpty, let onChange { try onChange(db, periods) }
        return .success((fileID, counts, archive))
    }

    /// After the commit: archive the staged copy, write the receipt, remove the drop
    /// file, and mark the ledger entry finished (see ``complete(_:)``).
    func complete(fileID: Int64, _ dropped: Dropped, staged: StagedFile, archive: String, receipt: Receipt) throws {
        let committed = Committed(fileID: fileID, dropped: dropped, staged: staged, archive: archive, receipt: receipt)
        if let error = complete([committed])[0] { throw error }
    }

    func finishKnown(_ entry: LedgerEntry, _ dropped: Dropped, text: String, staged: StagedFile) throws -> FileOutcome {
        let source = dropped.source
        if !entry.finished, entry.source == source.name, entry.name == text, let archive = entry.archive {
            logger.notice("finishing a file accepted before an interruption", metadata: [
                "source": "\(source.name)", "file": "\(text)",
            ])
            let receipt = Receipt(file: text, sha256: staged.sha256, acceptedAt: entry.receivedAt, counts: entry.counts)
            try complete(fileID: entry.id, dropped, staged: staged, archive: archive, receipt: receipt)
            return .accepted(receipt)
        }
        // The same bytes again: a no-op, acknowledged with a receipt.
        let counts = ReceiptCounts(records: entry.counts.records, ignored: entry.counts.records)
        let receipt = Receipt(file: text, sha256: staged.sha256, acceptedAt: dropped.receivedAt, counts: counts,
                              duplicateOf: entry.name)
        try store.writer.write { db in
            let id = try Ledger.insert(db, sha256: staged.sha256, source: source.name, name: text,
                                       size: staged.size, receivedAt: dropped.receivedAt,
                                       droppedAt: Timestamp(staged.status.changed), outcome: .duplicate)
            try Ledger.record(db, file: id, counts: counts, archive: entry.archive, answeredAt: clock())
        }
        try writeReceipt(receipt, for: dropped.name, dropped.handles)
        try dropped.handles.receipts.syncFileSystem()
        try dropped.handles.receipts.sync()
        try removeOriginal(dropped, staged: staged)
        try dropped.handles.drop.sync()
        logger.info("accepted a re-drop of known bytes as a no-op", metadata: [
            "source": "\(source.name)", "file": "\(text)", "first": "\(entry.name)",
        ])
        return .accepted(receipt)
    }

    /// Writes a file's receipt; it is durable once the caller syncs `receipts/` — and,
    /// unless `synced` (the file itself fsynced), the file system of `receipts/` (one
    /// call for a group's receipts).
    func writeReceipt(_ receipt: Receipt, for name: FileName, _ handles: DropDirectory.Handles, synced: Bool = false) throws {
        try handles.receipts.writeFile(DropName.derived(DropName.escaped(name), suffix: ".receipt.json"),
                                       contents: Array((receipt.json.rendered(pretty: true) + "\n").utf8),
                                       syncFile: synced, syncDirectory: false)
    }

    /// Removes the drop file — only if it is still the very file that was staged,
    /// unchanged since (see ``DropDirectory/Handles/takeAway(_:into:as:expecting:)``).
    /// One replaced or written to meanwhile stays, to be read again.
    /// Durable is the file's leaving the drop directory, once the caller syncs it; the
    /// copy taken away needs no sync to vanish (one left by a crash is removed when the
    /// directory is next opened).
    func removeOriginal(_ dropped: Dropped, staged: StagedFile) throws {
        let handles = dropped.handles
        let held = DirectoryHandle.temporaryName()
        guard try handles.takeAway(dropped.name, into: handles.receipts, as: held, expecting: staged.status) else {
            logger.notice("a drop file changed after it was read; it stays, to be read again", metadata: [
                "source": "\(dropped.source.name)", "file": "\(dropped.name)",
            ])
            return
        }
        try handles.receipts.removeFile(held)
    }

    /// Moves a file aside to `rejected/` with its errors file. The ledger counts the
    /// rejection first, then the errors file is written, then the file moved, then the
    /// ledger entry finished: a kill at any point leaves either the file to be rejected
    /// again under the same ledger entry, or a file aside that is counted once — never
    /// a file without reasons or a rejection `status` does not count.
    ///
    /// Only the file that was looked at is moved, unchanged: one replaced or written to
    /// meanwhile is put back for the next scan (``DropDirectory/Handles/takeAway(_:into:as:expecting:)``).
    /// It is set aside under its escaped name (``DropName/setAside(_:)``), shortened
    /// when too long, and so is its errors file's name.
    func reject(_ dropped: Dropped, staged: StagedFile?, problems: Problems) -> FileOutcome {
        let source = dropped.source
        let handles = dropped.handles
        let expected = staged?.status ?? dropped.status
        guard let now = try? handles.drop.status(of: dropped.name), now.identity == expected.identity else { return .skipped }
        // Renamed into the drop directory (or written) at this time; moving it aside
        // would change it again.
        let changedAt = Timestamp(now.changed)
        let display = DropName.escaped(dropped.name)
        let setAside = DropName.setAside(dropped.name)
        var lines = problems.listed.map(\.description)
        if problems.unlisted > 0 {
            let more = problems.unlisted
            lines.append("文件 file · 另有 \(more) 个问题未列出 / \(more) more problems not listed")
        }
        do {
            let id = try store.writer.write { db in
                try Ledger.rejected(db, sha256: staged?.sha256 ?? "", source: source.name, name: display,
                                    size: staged?.size ?? 0, receivedAt: dropped.receivedAt, changedAt: changedAt,
                                    problems: problems.count, firstProblem: problems.listed.first?.description)
            }
            FaultPoint.hit("after-reject-ledger")
            try handles.rejected.writeFile(DropName.derived(setAside, suffix: ".errors.txt"),
                                           contents: Array((lines.joined(separator: "\n") + "\n").utf8))
            guard try handles.takeAway(dropped.name, into: handles.rejected, as: DropName.derived(setAside),
                                       expecting: expected) else {
                logger.notice("a file changed before it was set aside; it stays, to be read again", metadata: [
                    "source": "\(source.name)", "file": "\(display)",
                ])
                return .skipped
            }
            try handles.rejected.sync()
            try handles.drop.sync()
            FaultPoint.hit("after-reject-move")
            try store.writer.write { try Ledger.finish($0, file: id, at: clock()) }
        } catch {
            logger.error("could not set a rejected file aside; it stays for the next scan", metadata: [
                "source": "\(source.name)", "file": "\(display)", "error": "\(error)",
            ])
            return .skipped
        }
        logger.warning("rejected", metadata: [
            "source": "\(source.name)", "file": "\(display)", "problems": "\(problems.count)",
            "first": "\(problems.listed.first?.en ?? "")",
        ])
        return .rejected(problems)
    }

    /// `archive/SOURCE/DAY/ID-NAME`, relative to `state_dir`: the ledger entry's id makes
    /// it unique; the name is the escaped one, shortened to fit one directory entry.
    func archivePath(source: Source, file id: Int64, name: FileName, receivedAt: Timestamp) -> String {
        let day = String(receivedAt.iso8601.prefix(10))
        let file = DropName.derived(DropName.escaped(name), prefix: "\(id)-")
        return "archive/\(source.name)/\(day)/\(file)"
    }
}
