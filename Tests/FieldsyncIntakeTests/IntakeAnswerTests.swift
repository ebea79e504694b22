@testable import FieldsyncIntake
@testable import FieldsyncProtocol
import FieldsyncTesting
import Foundation
import Glibc
import Synchronization
import Testing

/// What intake answers, and when: a closing date judged by intake's clock (never by the
/// day the test runs), `check` on a file already accepted, and commands that fail with
/// one sentence.
@Suite("Intake's answers")
struct IntakeAnswerTests {
    static let good = #"{"id": "sn-1", "kind": "report", "period": "2026", "unit": "shouning", "indicator": "siren.fixed", "value": 2, "observed_at": "2026-11-20"}"#

    static let closingScheme = TestSite.scheme.replacingOccurrences(
        of: "timezone = \"Asia/Shanghai\"", with: "timezone = \"Asia/Shanghai\"\ncloses_at = \"2027-02-01T00:00:00+08:00\"")

    @Test("closes_at is judged by when the file arrives, by intake's clock",
          arguments: [("2027-01-31T23:59:59+08:00", true), ("2027-02-01T00:00:00+08:00", true), ("2027-02-01T00:00:01+08:00", false)])
    func closingDate(arrival: String, accepted: Bool) throws {
        let at = try #require(Timestamp.parse(arrival, zone: .gmt))
        let site = try TestSite(scheme: Self.closingScheme, clock: { at })
        let outcome = try site.ingest("shouning", "a.json", Self.good)
        #expect((outcome.receipt != nil) == accepted)
        if !accepted {
            #expect(outcome.problems.first?.description.contains("2027-02-01 00:00:00 +08:00") == true, "\(outcome.problems)")
        }
    }

    @Test("check says a file already accepted is a duplicate, and stores nothing")
    func checkADuplicate() throws {
        let site = try TestSite()
        let receipt = try #require(try site.ingest("shouning", "寿宁县.json", Self.good).receipt)
        let copy = site.root + "/again.json"
        try Self.good.write(toFile: copy, atomically: false, encoding: .utf8)
        let verdict = try site.intake.check(path: copy, source: site.source("shouning"))
        guard case .duplicate(let name, let source, let acceptedAt) = verdict else {
            Issue.record("not a duplicate: \(verdict)")
            return
        }
        #expect(name == "寿宁县.json" && source == "shouning" && acceptedAt == receipt.acceptedAt)
        #expect(try site.count("SELECT count(*) FROM file") == 1)

        try site.store.close()
        let result = try runFieldsync(["check", "--config", site.configPath, "--source", "shouning", copy])
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output.contains("already accepted 已接收过") && result.output.contains("寿宁县.json"), "\(result.output)")
        #expect(result.output.contains("2026-11-30 12:00:00 +08:00"), "in the office's zone: \(result.output)")
    }

    @Test("A broken store ends a command in one sentence, not a library's error")
    func brokenStore() throws {
        let site = try TestSite()
        try site.store.close()
        let database = site.setup.config.stateDirectory + "/fieldsync.sqlite"
        for suffix in ["", "-wal", "-shm"] { unlink(database + suffix) }
        try Array(repeating: "not a database ", count: 400).joined().write(toFile: database, atomically: false, encoding: .utf8)
        for command in ["status", "ingest", "scores"] {
            let result = try runFieldsync([command, "--config", site.configPath])
            #expect(result.status == 2, "\(command): \(result.errors)")
            let lines = result.errors.split(separator: "\n")
            #expect(lines.count == 1 && lines[0].hasPrefix("fieldsync: "), "\(command): \(result.errors)")
            #expect(!result.errors.contains("Error:"), "\(command): \(result.errors)")
        }
    }

    @Test("A file written to while it is copied is not taken; it waits for later")
    func changedWhileRead() throws {
        let site = try TestSite()
        let path = site.dir("shouning") + "/busy.csv"
        try writeFile(path, [UInt8](repeating: 0x41, count: 32 << 20))
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        #expect(fd >= 0)
        defer { close(fd) }
        let stop = Mutex(false)
        let started = DispatchSemaphore(value: 0)
        let ended = DispatchSemaphore(value: 0)
        let writer = Thread {
            var byte: UInt8 = 0x42
            var first = true
            while !stop.withLock({ $0 }) {
                _ = pwrite(fd, &byte, 1, 0)
                if first { started.signal(); first = false }
            }
            ended.signal()
        }
        writer.start()
        started.wait()
        let outcome = site.intake.process(source: site.source("shouning"), name: "busy.csv")
        stop.withLock { $0 = true }
        // The writer has left its loop before the descriptor is closed: a pwrite after
        // the close would write into whatever another test opened under that number.
        ended.wait()
        #expect(outcome.isSkipped, "\(outcome)")
        #expect(site.exists(path), "left where it was")
        #expect(try site.count("SELECT count(*) FROM file") == 0)
        #expect(site.intake.state.withLock { try? $0?.incoming.entries() }?.isEmpty == true, "no copy left behind")
    }

    @Test("ingest shows a name that could drive a terminal escaped, and where its errors are")
    func ingestEscapesNames() throws {
        let site = try TestSite()
        try site.drop("shouning", "e\u{1B}[2Jx.csv", "not,a,header\n")
        let result = try runFieldsync(["ingest", "--config", site.configPath])
        #expect(!result.output.contains("\u{1B}"))
        #expect(result.output.contains("shouning/e%1B[2Jx.csv") && result.output.contains("rejected/e%1B[2Jx.csv.errors.txt"), "\(result.output)")
        #expect(site.exists(site.dir("shouning") + "/rejected/e%1B[2Jx.csv.errors.txt"))
    }
}
