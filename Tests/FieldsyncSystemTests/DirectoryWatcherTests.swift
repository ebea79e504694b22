@testable import FieldsyncSystem
import FieldsyncTesting
import Foundation
import Glibc
import XCTest

/// The watcher against the real kernel, on temporary directories. No sleeps: each test
/// awaits the events it expects, and proves an event did *not* come by awaiting a later
/// sentinel event (inotify delivers in order).
final class DirectoryWatcherTests: XCTestCase {
    private var root = ""

    override func setUpWithError() throws {
        var template = Array((NSTemporaryDirectory() + "/fieldsync-watch-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw SystemCallError("mkdtemp") }
        root = String(cString: made)
    }

    override func tearDownWithError() throws {
        for watcher in watchers { watcher.stop() }
        watchers = []
        try? FileManager.default.removeItem(atPath: root)
    }

    // MARK: helpers

    /// Watchers started by `watch(_:)`, stopped in tearDown whatever the test did.
    private var watchers: [DirectoryWatcher] = []

    /// A watcher on `directories` and a collector of its events.
    private func watch(_ directories: String...) throws -> (DirectoryWatcher, EventCollector<WatchEvent>) {
        let watcher = try DirectoryWatcher()
        watchers.append(watcher)
        for directory in directories { try watcher.add(directory: directory) }
        return (watcher, EventCollector.collecting(watcher.events))
    }

    private func makeDirectory(_ name: String) throws -> String {
        let path = root + "/" + name
        guard mkdir(path, 0o755) == 0 else { throw SystemCallError("mkdir", subject: path) }
        return path
    }

    private func openForWriting(_ path: String) throws -> Int32 {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw SystemCallError("open", subject: path) }
        return fd
    }

    private func writeChunk(_ fd: Int32, _ text: String) throws {
        let bytes = Array(text.utf8)
        guard write(fd, bytes, bytes.count) == bytes.count else { throw SystemCallError("write") }
    }

    private func writeFile(_ path: String, _ text: String = "{}\n") throws {
        let fd = try openForWriting(path)
        try writeChunk(fd, text)
        close(fd)
    }

    // MARK: writers

    func testAWriterIsReportedOnceUntilItCloses() async throws {
        let drop = try makeDirectory("drop")
        let (_, events) = try watch(drop)

        let fd = try openForWriting(drop + "/slow.csv")
        for chunk in 0 ..< 50 { try writeChunk(fd, "line \(chunk)\n") }
        try writeFile(drop + "/sentinel-1")
        let first = WatchEvent.file(directory: drop, name: "sentinel-1")
        var seen = await events.wait { received, _ in received.contains(first) }
        XCTAssertTrue(seen)
        var received = await events.received
        XCTAssertEqual(count(.modified(directory: drop, name: "slow.csv"), in: received), 1, "50 writes, one event: \(received)")
        XCTAssertEqual(count(.file(directory: drop, name: "slow.csv"), in: received), 0, "still open")

        close(fd)
        let closed = WatchEvent.file(directory: drop, name: "slow.csv")
        seen = await events.wait { received, _ in received.contains(closed) }
        XCTAssertTrue(seen)
        // Written again after its close: a writer again, reported again.
        let again = try openForWriting(drop + "/slow.csv")
        try writeChunk(again, "more\n")
        try writeFile(drop + "/sentinel-2")
        seen = await events.wait { received, _ in received.contains(.file(directory: drop, name: "sentinel-2")) }
        XCTAssertTrue(seen)
        close(again)
        received = await events.received
        XCTAssertEqual(count(.modified(directory: drop, name: "slow.csv"), in: received), 2, "\(received)")
    }

    /// After an overflow, a write to a file already reported as being written is
    /// reported again: its close may have been among what was lost.
    func testAnOverflowMakesTheNextWriteNewsAgain() async throws {
        let limitText = try String(contentsOfFile: "/proc/sys/fs/inotify/max_queued_events", encoding: .utf8)
        let limit = try XCTUnwrap(Int(limitText.trimmingCharacters(in: .whitespacesAndNewlines)))
        try XCTSkipIf(limit > 65536, "max_queued_events is \(limit): too many files to create in a test")
        let drop = try makeDirectory("drop")
        let watcher = try DirectoryWatcher(bufferLimit: limit + 1024, startReading: false)
        defer { watcher.stop() }
        try watcher.add(directory: drop)

        // Queued while nothing reads: the write, then enough closes to overflow.
        let fd = try openForWriting(drop + "/slow.csv")
        defer { close(fd) }
        try writeChunk(fd, "first\n")
        for index in 0 ..< limit + 100 {
            let flood = open(drop + "/.flood-\(index).tmp", O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
            XCTAssertGreaterThanOrEqual(flood, 0)
            close(flood)
        }
        let events = EventCollector.collecting(watcher.events)
        watcher.startReading()
        var seen = await events.wait(timeout: .seconds(30)) { received, _ in received.last == .overflow }
        XCTAssertTrue(seen, "no overflow")

        try writeChunk(fd, "second\n")
        try writeFile(drop + "/sentinel")
        seen = await events.wait { received, _ in received.last == .file(directory: drop, name: "sentinel") }
        XCTAssertTrue(seen)
        let received = await events.received
        let modified = WatchEvent.modified(directory: drop, name: "slow.csv")
        XCTAssertEqual(received.first, modified)
        let overflow = try XCTUnwrap(received.lastIndex(of: .overflow))
        XCTAssertTrue(received[overflow...].contains(modified), "\(received.suffix(4))")
    }

    private func count(_ event: WatchEvent, in events: [WatchEvent]) -> Int {
        events.filter { $0 == event }.count
    }

    // MARK: files

    func testWrittenAndClosedFileIsReported() async throws {
        let drop = try makeDirectory("drop")
        let (_, events) = try watch(drop)

        try writeFile(drop + "/report.json")

        let expected = WatchEvent.file(directory: drop, name: "report.json")
        let seen = await events.wait { received, _ in received.contains(expected) }
        XCTAssertTrue(seen, "no event for a closed file")
    }

    func testFileRenamedInIsReportedOnce() async throws {
        let drop = try makeDirectory("drop")
        let outside = try makeDirectory("outside")
        let (_, events) = try watch(drop)

        try writeFile(outside + "/batch.csv")
        XCTAssertEqual(rename(outside + "/batch.csv", drop + "/batch.csv"), 0)
        try writeFile(drop + "/sentinel")

        let sentinel = WatchEvent.file(directory: drop, name: "sentinel")
        let seen = await events.wait { received, _ in received.contains(sentinel) }
        XCTAssertTrue(seen)
        let received = await events.received
        XCTAssertEqual(count(.file(directory: drop, name: "batch.csv"), in: received), 1, "\(received)")
    }

    func testWriteThenRenameInsideReportsTheFinalName() async throws {
        let drop = try makeDirectory("drop")
        let (_, events) = try watch(drop)

        try writeFile(drop + "/.scores.json.tmp")
        XCTAssertEqual(rename(drop + "/.scores.json.tmp", drop + "/scores.json"), 0)

        let final = WatchEvent.file(directory: drop, name: "scores.json")
        let seen = await events.wait { received, _ in received.contains(final) }
        XCTAssertTrue(seen)
        let received = await events.received
        XCTAssertEqual(count(final, in: received), 1)
    }

    func testChunkedWriteIsReportedOnceAndOnlyAfterClose() async throws {
        let drop = try makeDirectory("drop")
        let (_, events) = try watch(drop)
        let big = WatchEvent.file(directory: drop, name: "big.jsonl")

        let fd = try openForWriting(drop + "/big.jsonl")
        for chunk in 1 ... 2 {
            try writeChunk(fd, String(repeating: "{\"id\":\"\(chunk)\"}\n", count: 1000))
            // Events arrive in order: once this sentinel is seen, any event for the
            // half-written file would have been seen before it.
            let name = "sentinel-\(chunk)"
            try writeFile(drop + "/" + name)
            let sentinel = WatchEvent.file(directory: drop, name: FileName(name)!)
            let seen = await events.wait { received, _ in received.contains(sentinel) }
            XCTAssertTrue(seen)
            let received = await events.received
            XCTAssertFalse(received.contains(big), "event before close, after chunk \(chunk)")
        }
        close(fd)

        try writeFile(drop + "/sentinel-closed")
        let closed = WatchEvent.file(directory: drop, name: "sentinel-closed")
        let seen = await events.wait { received, _ in received.contains(closed) }
        XCTAssertTrue(seen)
        let received = await events.received
        XCTAssertEqual(count(big, in: received), 1, "\(received)")
    }

    func testSubdirectoriesAreNotReported() async throws {
        let drop = try makeDirectory("drop")
        let outside = try makeDirectory("outside")
        try writeFile(outside + "/inner")
        let (_, events) = try watch(drop)

        XCTAssertEqual(rename(outside, drop + "/moved-in"), 0)
        try writeFile(drop + "/sentinel")

        let sentinel = WatchEvent.file(directory: drop, name: "sentinel")
        let seen = await events.wait { received, _ in received.contains(sentinel) }
        XCTAssertTrue(seen)
        let received = await events.received
        XCTAssertEqual(received.filter(\.isCompletion), [sentinel], "\(received)")
    }

    // MARK: directories

    func testRemovedDirectoryIsReportedAndCanBeAddedAgain() async throws {
        let drop = try makeDirectory("drop")
        let (watcher, events) = try watch(drop)

        XCTAssertEqual(rmdir(drop), 0)
        let gone = WatchEvent.directoryGone(drop)
        var seen = await events.wait { received, _ in received.contains(gone) }
        XCTAssertTrue(seen)
        XCTAssertEqual(watcher.directories, [])

        // Recreated: the daemon adds it again, and files in it are reported.
        XCTAssertEqual(mkdir(drop, 0o755), 0)
        try watcher.add(directory: drop)
        XCTAssertEqual(watcher.directories, [drop])
        try writeFile(drop + "/after.json")
        let after = WatchEvent.file(directory: drop, name: "after.json")
        seen = await events.wait { received, _ in received.contains(after) }
        XCTAssertTrue(seen)
        let received = await events.received
        XCTAssertEqual(count(gone, in: received), 1, "the end of a watch is reported once: \(received)")
    }

    func testDirectoryMovedAwayIsReportedAndNoLongerFollowed() async throws {
        let drop = try makeDirectory("drop")
        let other = try makeDirectory("other")
        let (_, events) = try watch(drop, other)

        XCTAssertEqual(rename(drop, root + "/elsewhere"), 0)
        let gone = WatchEvent.directoryGone(drop)
        var seen = await events.wait { received, _ in received.contains(gone) }
        XCTAssertTrue(seen)

        try writeFile(root + "/elsewhere/late.json")
        try writeFile(other + "/sentinel")
        let sentinel = WatchEvent.file(directory: other, name: "sentinel")
        seen = await events.wait { received, _ in received.contains(sentinel) }
        XCTAssertTrue(seen)
        let received = await events.received
        XCTAssertFalse(received.contains(.file(directory: drop, name: "late.json")), "\(received)")
        XCTAssertEqual(count(gone, in: received), 1)
    }

    func testRemovedWatchReportsNothingMore() async throws {
        let drop = try makeDirectory("drop")
        let other = try makeDirectory("other")
        let (watcher, events) = try watch(drop, other)

        watcher.remove(directory: drop)
        XCTAssertEqual(watcher.directories, [other])
        try writeFile(drop + "/ignored.json")
        try writeFile(other + "/sentinel")

        let sentinel = WatchEvent.file(directory: other, name: "sentinel")
        let seen = await events.wait { received, _ in received.contains(sentinel) }
        XCTAssertTrue(seen)
        let received = await events.received
        XCTAssertEqual(received.filter { $0.directory != other }, [], "no event, not even directoryGone, for a removed watch")
    }

    func testAddRefusesWhatIsNotADirectory() throws {
        let watcher = try DirectoryWatcher()
        defer { watcher.stop() }
        try writeFile(root + "/plain-file")

        XCTAssertThrowsError(try watcher.add(directory: root + "/plain-file")) { error in
            XCTAssertEqual((error as? SystemCallError)?.errno, ENOTDIR)
        }
        XCTAssertThrowsError(try watcher.add(directory: root + "/missing")) { error in
            XCTAssertEqual((error as? SystemCallError)?.errno, ENOENT)
            XCTAssertTrue("\(error)".contains(root + "/missing"), "the message names the path: \(error)")
        }
    }

    // MARK: stopping

    func testStopEndsTheStreamPromptly() async throws {
        let drop = try makeDirectory("drop")
        let watcher = try DirectoryWatcher()
        try watcher.add(directory: drop)
        let events = EventCollector.collecting(watcher.events)

        let started = ContinuousClock.now
        watcher.stop()
        let finished = await events.waitForFinish(timeout: .seconds(5))
        XCTAssertTrue(finished)
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(1))
        watcher.stop()  // idempotent
        XCTAssertThrowsError(try watcher.add(directory: drop)) { error in
            XCTAssertEqual((error as? SystemCallError)?.errno, EBADF)
        }
    }

    func testCancellingTheConsumerStopsTheReader() async throws {
        let drop = try makeDirectory("drop")
        let watcher = try DirectoryWatcher()
        try watcher.add(directory: drop)
        let consumer = Task {
            for await _ in watcher.events {}
        }
        consumer.cancel()
        await consumer.value
        // onTermination ran before the loop ended: the reader has been woken to exit.
        XCTAssertTrue(watcher.stopRequested)
    }

    // MARK: overflow

    /// The real kernel overflow: the reader is held back while more events than
    /// `fs.inotify.max_queued_events` are generated, so the queue ends in `IN_Q_OVERFLOW`.
    /// Nothing is changed system-wide.
    func testKernelQueueOverflowIsReported() async throws {
        let limitText = try String(contentsOfFile: "/proc/sys/fs/inotify/max_queued_events", encoding: .utf8)
        guard let limit = Int(limitText.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw XCTSkip("cannot read max_queued_events")
        }
        guard limit <= 65536 else { throw XCTSkip("max_queued_events is \(limit): too many files to create in a test") }

        let drop = try makeDirectory("drop")
        // A buffer larger than the kernel queue, so any .overflow is the kernel's.
        let watcher = try DirectoryWatcher(bufferLimit: limit + 1024, startReading: false)
        defer { watcher.stop() }
        try watcher.add(directory: drop)

        for index in 0 ..< limit + 100 {
            let fd = open(drop + "/f\(index)", O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
            XCTAssertGreaterThanOrEqual(fd, 0)
            close(fd)
        }
        let events = EventCollector.collecting(watcher.events)
        watcher.startReading()

        // The kernel appends the overflow record after the queued events. (Checking only
        // the last element keeps the per-event check O(1) over ~16k events.)
        let seen = await events.wait(timeout: .seconds(30)) { received, _ in received.last == .overflow }
        XCTAssertTrue(seen, "no overflow after \(limit + 100) unread events")
        let received = await events.received
        let files = received.filter { if case .file = $0 { true } else { false } }.count
        XCTAssertLessThanOrEqual(files, limit)
        XCTAssertEqual(received.filter { $0 == .overflow }.count, 1)
    }

    /// The watcher's own bound: a consumer that falls behind gets `.overflow` behind the
    /// newest events instead of the dropped ones.
    func testBoundedBufferTurnsDropsIntoOverflow() async {
        let (stream, continuation) = AsyncStream.makeStream(of: WatchEvent.self, bufferingPolicy: .bufferingNewest(4))
        for index in 0 ..< 10 {
            DirectoryWatcher.deliver(.file(directory: "/d", name: FileName("f\(index)")!), to: continuation)
        }
        continuation.finish()
        var received: [WatchEvent] = []
        for await event in stream { received.append(event) }
        XCTAssertEqual(received.count, 4)
        XCTAssertEqual(received.last, .overflow)
        XCTAssertEqual(received.first, .file(directory: "/d", name: "f8"))

        // Nothing dropped: nothing added.
        let (quiet, quietContinuation) = AsyncStream.makeStream(of: WatchEvent.self, bufferingPolicy: .bufferingNewest(4))
        for index in 0 ..< 4 {
            DirectoryWatcher.deliver(.file(directory: "/d", name: FileName("f\(index)")!), to: quietContinuation)
        }
        quietContinuation.finish()
        var quietReceived: [WatchEvent] = []
        for await event in quiet { quietReceived.append(event) }
        XCTAssertFalse(quietReceived.contains(.overflow))
    }
}

extension WatchEvent {
    /// A file complete or a watch ended: what these tests count, leaving out the
    /// `.modified` every written file also raises.
    var isCompletion: Bool {
        if case .modified = self { false } else { true }
    }

    var directory: String? {
        switch self {
        case .file(let d, _), .modified(let d, _), .directoryGone(let d): d
        case .overflow: nil
        }
    }
}
