import FieldsyncModel
import FieldsyncRecords
import Foundation

/// Reads and validates a staged file on a thread of its own while the caller stores
/// the records already validated: on a two-core server, parsing and SQLite overlap
/// instead of taking turns. Records travel in batches through a small bounded buffer,
/// so memory stays flat however large the file is, and the batches come back: the
/// reader empties and refills them, so a record is made and freed on the one thread
/// (the writer, the busier of the two, neither allocates nor frees one).
final class RecordPipeline: @unchecked Sendable {
    // @unchecked: every mutable field below is guarded by `condition`.
    private let condition = NSCondition()
    private var batches: [[Record]] = []
    /// Batches the caller is done with, for the reader to empty and fill again.
    private var spent: [[Record]] = []
    private var finished = false
    private var cancelled = false
    private var problems = Problems()
    private var failure: (any Error)?

    static let batchSize = 512
    static let bufferedBatches = 8

    /// Starts reading `staged` (a file in the store's incoming/ directory); a part of a
    /// workbook may inflate to `inflateLimit` bytes.
    init(staged: StagedFile, format: RecordFormat, validator: RecordValidator, inflateLimit: Int) {
        let thread = Thread { [self] in
            var validator = validator
            var batch: [Record] = []
            batch.reserveCapacity(Self.batchSize)
            var local = Problems()
            // One record's problems, then kept or counted: memory stays flat however
            // many lines are wrong.
            var found: [Problem] = []
            do {
                try RecordReader.read(staged.copy, format: format, encoding: staged.encoding, inflateLimit: inflateLimit, record: { raw in
                    defer {
                        for problem in found { local.append(problem) }
                        found.removeAll(keepingCapacity: true)
                    }
                    if let record = validator.validate(raw, problems: &found) {
                        batch.append(record)
                        if batch.count == Self.batchSize {
                            guard self.send(&batch) else { throw CancellationError() }
                        }
                    }
                }, problem: { local.append($0) })
                if !batch.isEmpty { _ = self.send(&batch) }
            } catch let problem as Problem {
                local.append(problem)
            } catch is CancellationError {
            } catch {
                condition.withLock { failure = error }
            }
            condition.withLock {
                problems = local
                finished = true
                condition.broadcast()
            }
        }
        thread.name = "fieldsync-read"
        thread.start()
    }

    /// Hands `batch` over and leaves an empty one in its place (a spent one, emptied
    /// here, outside the lock). False when cancelled.
    private func send(_ batch: inout [Record]) -> Bool {
        let next: [Record]? = condition.withLock {
            while batches.count >= Self.bufferedBatches && !cancelled { condition.wait() }
            guard !cancelled else { return nil }
            batches.append(batch)
            condition.broadcast()
            return spent.popLast() ?? []
        }
        guard var next else { return false }
        if next.capacity == 0 {
            next.reserveCapacity(Self.batchSize)
        } else {
            next.removeAll(keepingCapacity: true)
        }
        batch = next
        return true
    }

    /// Replaces `batch` (done with: it goes back to the reader) with the next batch of
    /// valid records, in file order; false when the file is read.
    func next(_ batch: inout [Record]) -> Bool {
        condition.withLock {
            // Moved, not copied: the reader must hold the only reference to empty it in place.
            if batch.capacity > 0 {
                spent.append(batch)
                batch = []
            }
            while batches.isEmpty && !finished { condition.wait() }
            guard !batches.isEmpty else { return false }
            batch = batches.removeFirst()
            condition.broadcast()
            return true
        }
    }

    /// Waits for the reader to end and returns the problems it found; rethrows an
    /// I/O failure (not the file's fault).
    func finish() throws -> Problems {
        try condition.withLock {
            while !finished { condition.wait() }
            if let failure { throw failure }
            return problems
        }
    }

    /// Stops the reader early (the caller failed) and waits for it.
    func cancel() {
        condition.withLock {
            cancelled = true
            condition.broadcast()
            while !finished { condition.wait() }
        }
    }
}
