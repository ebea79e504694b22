@testable import FieldsyncIntake
@testable import FieldsyncModel
@testable import FieldsyncProtocol
@testable import FieldsyncStore
import FieldsyncSystem
import FieldsyncTesting
import Foundation
import Glibc
import XCTest

/// SPEC §4.2: receipts, archive, rejection, re-drops, hostile entries, and a real
/// kill -9 in the middle of a file.
final class LifecycleTests: XCTestCase {
    let good = #"{"id": "s-1", "kind": "report", "period": "2026", "unit": "shouning", "indicator": "siren.fixed", "value": 2, "observed_at": "2026-11-20"}"#

    func testAcceptedFileIsArchivedRemovedAndReceipted() throws {
        let site = try TestSite()
        let outcome = try site.ingest("shouning", "sirens.json", good)
        let receipt = try XCTUnwrap(outcome.receipt)
        XCTAssertFalse(site.exists(site.dir("shouning") + "/sirens.json"))
        let text = try XCTUnwrap(site.read(site.dir("shouning") + "/receipts/sirens.json.receipt.json"))
        var parser = JSONParser(Array(text.utf8))
        let json = try parser.parseValue()
        XCTAssertEqual(json["file"], .string("sirens.json"))
        XCTAssertEqual(json["sha256"], .string(receipt.sha256))
        XCTAssertEqual(json["imported"], .number("1"))
        XCTAssertEqual(json["updated"], .number("0"))
        let archive = try site.store.writer.read { try String.fetchOne($0, sql: "SELECT archive FROM file") }
        XCTAssertEqual(site.read(site.setup.config.stateDirectory + "/" + (archive ?? "?")), good)
        XCTAssertEqual(try site.count("SELECT count(*) FROM file WHERE finished = 1"), 1)
    }

    func testTheSameBytesAgainAreANoOpWithAReceipt() throws {
        let site = try TestSite()
        _ = try site.ingest("shouning", "a.json", good)
        let again = try XCTUnwrap(try site.ingest("shouning", "a-again.json", good).receipt)
        XCTAssertEqual(again.duplicateOf, "a.json")
        XCTAssertEqual(again.counts, ReceiptCounts(records: 1, ignored: 1))
        XCTAssertEqual(try site.count("SELECT count(*) FROM revision"), 1)
        XCTAssertFalse(site.exists(site.dir("shouning") + "/a-again.json"))
        XCTAssertTrue(site.exists(site.dir("shouning") + "/receipts/a-again.json.receipt.json"))
    }

    func testTemporaryNamesAreNotRead() throws {
        let site = try TestSite()
        for name in [".hidden.json", "~$report.csv", "a.json.tmp", "b.json.part", "c.json.swp"] {
            _ = FileManager.default.createFile(atPath: site.dir("shouning") + "/" + name, contents: Data(good.utf8))
            XCTAssertTrue(site.intake.process(source: site.source("shouning"), name: FileName(name)!).isSkipped, name)
            XCTAssertTrue(site.exists(site.dir("shouning") + "/" + name), name)
        }
        XCTAssertEqual(site.intake.waiting(in: site.source("shouning")).map(\.name), [])
    }

    func testSymlinkIsMovedAsideNeverFollowed() throws {
        let site = try TestSite()
        let secret = site.root + "/secret.json"
        try good.write(toFile: secret, atomically: false, encoding: .utf8)
        XCTAssertEqual(symlink(secret, site.dir("shouning") + "/link.json"), 0)
        let problems = site.intake.process(source: site.source("shouning"), name: "link.json").problems
        XCTAssertTrue(problems.first?.en.contains("not a regular file") ?? false)
        var st = stat()
        XCTAssertEqual(lstat(site.dir("shouning") + "/rejected/link.json", &st), 0)
        XCTAssertEqual(st.st_mode & S_IFMT, S_IFLNK, "the link itself was moved")
        XCTAssertEqual(site.read(secret), good, "the target is untouched")
        XCTAssertEqual(try site.count("SELECT count(*) FROM revision"), 0)
    }

    func testFIFODoesNotBlockAndIsRefused() throws {
        let site = try TestSite()
        XCTAssertEqual(mkfifo(site.dir("shouning") + "/pipe.json", 0o644), 0)
        let problems = site.intake.process(source: site.source("shouning"), name: "pipe.json").problems
        XCTAssertTrue(problems.first?.en.contains("FIFO") ?? false, "\(problems)")
    }

    func testOversizeIsRefusedBeforeReading() throws {
        let site = try TestSite(extraConfig: "[intake]\nmax_file_size = \"1KiB\"\n")
        let big = String(repeating: " ", count: 2048) + good
        let problems = try site.ingest("shouning", "big.json", big).problems
        XCTAssertTrue(problems.first?.en.contains("file too large: 2") ?? false, "\(problems)")
    }

    /// kill -9 after the drop file was removed, before the ledger said the file was
    /// finished: the next start marks it finished, and nothing is counted again.
    func testKillAfterRemovalIsFinishedAtTheNextStart() throws {
        let site = try TestSite()
        try site.drop("shouning", "sirens.json", good)
        let killed = try runFieldsync(["ingest", "--config", site.configPath], fault: "after-removal")
        XCTAssertEqual(killed.status, SIGKILL, "the process must really die there")
        XCTAssertFalse(site.exists(site.dir("shouning") + "/sirens.json"))
        XCTAssertEqual(try site.files(.accepted, finished: false), 1)
        XCTAssertEqual(try runFieldsync(["ingest", "--config", site.configPath]).status, 0)
        XCTAssertEqual(try site.files(.accepted, finished: true), 1)
        XCTAssertEqual(try site.count("SELECT count(*) FROM file"), 1)
        XCTAssertEqual(try site.count("SELECT count(*) FROM revision"), 1)
    }

    /// kill -9 right after the commit (and after the archive, and after the receipt):
    /// the rerun finishes the file from the ledger and counts nothing twice.
    func testKillAfterCommitThenRerunFinishesWithoutCountingTwice() throws {
        for point in ["after-commit", "after-archive", "after-receipt"] {
            let site = try TestSite()
            try site.drop("shouning", "sirens.json", good)
            let killed = try runFieldsync(["ingest", "--config", site.configPath], fault: point)
            XCTAssertEqual(killed.status, SIGKILL, "\(point): the process must really die there")
            XCTAssertTrue(site.exists(site.dir("shouning") + "/sirens.json"), "\(point): the drop file is still there")
            XCTAssertEqual(try site.count("SELECT count(*) FROM revision"), 1, "\(point): committed")

            let rerun = try runFieldsync(["ingest", "--config", site.configPath])
            XCTAssertEqual(rerun.status, 0)
            XCTAssertTrue(rerun.output.contains("accepted"), rerun.output)
            XCTAssertFalse(site.exists(site.dir("shouning") + "/sirens.json"), point)
            XCTAssertEqual(try site.count("SELECT count(*) FROM revision"), 1, "\(point): not counted twice")
            XCTAssertEqual(try site.files(.accepted, finished: true), 1, point)
            let receipt = try XCTUnwrap(site.read(site.dir("shouning") + "/receipts/sirens.json.receipt.json"), point)
            XCTAssertTrue(receipt.contains("\"imported\": 1"), "\(point): the receipt keeps the original counts: \(receipt)")
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: site.setup.config.stateDirectory + "/incoming"), [])
        }
    }

    /// kill -9 after the ledger counted a rejection (and after the file was moved
    /// aside): the rerun finishes it, and the rejection is counted exactly once.
    func testKillDuringRejectionCountsItOnce() throws {
        let bad = good.replacingOccurrences(of: "\"value\": 2", with: "\"value\": -2")
        for point in ["after-reject-ledger", "after-reject-move"] {
            let site = try TestSite()
            try site.drop("shouning", "bad.json", bad)
            let killed = try runFieldsync(["ingest", "--config", site.configPath], fault: point)
            XCTAssertEqual(killed.status, SIGKILL, "\(point): the process must really die there")
            XCTAssertEqual(try site.files(.rejected), 1, point)

            let rerun = try runFieldsync(["ingest", "--config", site.configPath])
            XCTAssertEqual(rerun.status, 0, rerun.output)
            XCTAssertFalse(site.exists(site.dir("shouning") + "/bad.json"), point)
            XCTAssertTrue(site.exists(site.dir("shouning") + "/rejected/bad.json"), point)
            let errors = try XCTUnwrap(site.read(site.dir("shouning") + "/rejected/bad.json.errors.txt"), point)
            XCTAssertTrue(errors.contains("value"), errors)
            XCTAssertEqual(try site.files(.rejected), 1, "\(point): counted once")
            if point == "after-reject-ledger" {
                XCTAssertEqual(try site.files(.rejected, finished: true), 1, point)
            }
            // The same bad file dropped again later is a rejection of its own.
            try site.drop("shouning", "bad.json", bad)
            XCTAssertEqual(try runFieldsync(["ingest", "--config", site.configPath]).status, 0)
            XCTAssertFalse(site.exists(site.dir("shouning") + "/bad.json"), point)
            XCTAssertEqual(try site.files(.rejected), 2, "\(point): dropped twice")
        }
    }

    /// A file replaced under the same name while it was read is not the one moved
    /// aside: the replacement waits for the next scan, and nothing is counted.
    func testAFileReplacedWhileReadIsNotMovedAside() throws {
        let site = try TestSite()
        let bad = good.replacingOccurrences(of: "\"value\": 2", with: "\"value\": -2")
        try site.drop("shouning", "x.json", bad)
        let handles = try site.intake.drops["shouning"]!.open().get()
        let incoming = try XCTUnwrap(site.intake.state.withLock { $0?.incoming })
        let status = try XCTUnwrap(try handles.drop.status(of: "x.json"))
        let staged = try StagedFile.stage("x.json", from: handles.drop, into: incoming, maxSize: 1 << 20)
        defer { try? incoming.removeFile(staged.copyName) }
        try site.drop("shouning", "x.json", good)  // a new file (inode) under the same name
        let dropped = Dropped(source: site.source("shouning"), handles: handles, name: "x.json", status: status,
                              receivedAt: .now())
        let replaced = site.intake.reject(dropped, staged: staged, problems: Problems([Problem(.file, zh: "坏", en: "bad")]))
        XCTAssertEqual(replaced.problems.count, 0, "skipped, not rejected")
        XCTAssertTrue(site.exists(site.dir("shouning") + "/x.json"))
        XCTAssertEqual(try site.count("SELECT count(*) FROM file"), 0)
        XCTAssertEqual(site.intake.process(source: site.source("shouning"), name: "x.json").receipt?.counts.imported, 1)
    }
}
