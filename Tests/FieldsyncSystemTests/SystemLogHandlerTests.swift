@testable import FieldsyncSystem
import FieldsyncTesting
import Foundation
import Glibc
import Logging
import Synchronization
import XCTest

/// The log line formats, with the writer and the environment injected.
final class SystemLogHandlerTests: XCTestCase {
    /// Collects lines instead of writing them to stderr.
    private final class Sink: Sendable {
        let lines = Mutex<[String]>([])
        var writer: @Sendable (String) -> Void { { line in self.lines.withLock { $0.append(line) } } }
        var all: [String] { lines.withLock { $0 } }
    }

    private func logger(_ format: SystemLogHandler.Format, _ sink: Sink, level: Logger.Level = .trace) -> Logger {
        Logger(label: "fieldsync.intake") { label in
            SystemLogHandler(label: label, format: format, logLevel: level, writer: sink.writer)
        }
    }

    func testJournalLinesCarryThePriorityAndNoTimestamp() {
        let sink = Sink()
        var log = logger(.journal, sink)
        log[metadataKey: "source"] = "shouning"
        log.debug("scanning")
        log.info("accepted", metadata: ["file": "报表.csv", "records": "12"])
        log.notice("reloaded")
        log.warning("slow push")
        log.error("rejected", metadata: ["reason": "bad value on line 3"])
        log.critical("store unavailable")
        log.trace("trace is debug")

        XCTAssertEqual(sink.all, [
            "<7>fieldsync.intake: scanning source=shouning\n",
            "<6>fieldsync.intake: accepted file=报表.csv records=12 source=shouning\n",
            "<5>fieldsync.intake: reloaded source=shouning\n",
            "<4>fieldsync.intake: slow push source=shouning\n",
            "<3>fieldsync.intake: rejected reason=\"bad value on line 3\" source=shouning\n",
            "<2>fieldsync.intake: store unavailable source=shouning\n",
            "<7>fieldsync.intake: trace is debug source=shouning\n",
        ])
    }

    func testPlainLinesCarryATimestampAndTheLevel() throws {
        let sink = Sink()
        let log = logger(.plain, sink)
        log.warning("push failed", metadata: ["status": "503"])

        let line = try XCTUnwrap(sink.all.first)
        XCTAssertEqual(sink.all.count, 1)
        let pattern = #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{2}:\d{2} warning fieldsync\.intake: push failed status=503\n$"#
        XCTAssertNotNil(line.range(of: pattern, options: .regularExpression), line)
    }

    func testTimestampIsLocalTimeWithOffset() throws {
        let date = Date(timeIntervalSince1970: 1_795_752_000.25)  // 2026-11-27T04:00:00.250Z
        let text = SystemLogHandler.timestamp(date)
        // Whatever the machine's zone, the text must denote the same instant.
        let parser = ISO8601DateFormatter()
        parser.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let parsed = try XCTUnwrap(parser.date(from: text), text)
        XCTAssertEqual(parsed.timeIntervalSince1970, date.timeIntervalSince1970, accuracy: 0.001)
        XCTAssertTrue(text.hasSuffix(":00") || text.hasSuffix(":30") || text.hasSuffix(":45"), text)
    }

    func testOneMessageIsOneLine() {
        let sink = Sink()
        let log = logger(.journal, sink)
        log.error("first\nsecond", metadata: ["detail": "a\nb", "empty": "", "quote": "say \"hi\""])
        XCTAssertEqual(sink.all, [
            "<3>fieldsync.intake: first\\nsecond detail=\"a\\nb\" empty=\"\" quote=\"say \\\"hi\\\"\"\n",
        ])
    }

    func testAttachedErrorIsRendered() {
        let sink = Sink()
        let log = logger(.journal, sink)
        log.error("push failed", error: SystemCallError("sendto", subject: "/run/x", errno: ECONNREFUSED))
        XCTAssertEqual(sink.all, ["<3>fieldsync.intake: push failed error=\"sendto(/run/x): Connection refused\"\n"])
    }

    func testLevelAndMetadataPrecedence() {
        let sink = Sink()
        var log = logger(.journal, sink, level: .warning)
        log[metadataKey: "k"] = "handler"
        log.info("below the level")
        log.warning("explicit wins", metadata: ["k": "call"])
        XCTAssertEqual(sink.all, ["<4>fieldsync.intake: explicit wins k=call\n"])
    }

    func testJournalOnlyWhenJournalStreamNamesStderr() throws {
        var pair: [Int32] = [-1, -1]
        XCTAssertEqual(pipe(&pair), 0)
        defer { close(pair[0]); close(pair[1]) }
        var info = stat()
        XCTAssertEqual(fstat(pair[1], &info), 0)
        let matching = "\(info.st_dev):\(info.st_ino)"

        XCTAssertEqual(SystemLogHandler.detectFormat(environment: ["JOURNAL_STREAM": matching], fileDescriptor: pair[1]), .journal)
        XCTAssertEqual(SystemLogHandler.detectFormat(environment: [:], fileDescriptor: pair[1]), .plain)
        // Inherited from a parent whose stderr was the journal, but ours was redirected.
        XCTAssertEqual(SystemLogHandler.detectFormat(environment: ["JOURNAL_STREAM": "\(info.st_dev):\(info.st_ino + 1)"], fileDescriptor: pair[1]), .plain)
        XCTAssertEqual(SystemLogHandler.detectFormat(environment: ["JOURNAL_STREAM": "garbage"], fileDescriptor: pair[1]), .plain)
    }

    func testDefaultWriterPutsOneLinePerWriteOnStderr() throws {
        // Point fd 2 at a pipe for the duration, then restore it.
        var pair: [Int32] = [-1, -1]
        XCTAssertEqual(pipe(&pair), 0)
        let saved = dup(STDERR_FILENO)
        XCTAssertEqual(dup2(pair[1], STDERR_FILENO), STDERR_FILENO)
        SystemLogHandler.writeToStandardError("<6>x: one\n")
        SystemLogHandler.writeToStandardError("<6>x: two\n")
        dup2(saved, STDERR_FILENO)
        close(saved)
        close(pair[1])
        var buffer = [UInt8](repeating: 0, count: 256)
        let count = read(pair[0], &buffer, buffer.count)
        close(pair[0])
        XCTAssertEqual(String(decoding: buffer[0 ..< max(0, count)], as: UTF8.self), "<6>x: one\n<6>x: two\n")
    }
}
