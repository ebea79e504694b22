import FieldsyncIntake
import FieldsyncSystem
import FieldsyncTesting
import Foundation
import Glibc
import Testing

/// Group commit (``Intake/process(_:)``): files reconciled in one transaction are each
/// still all or nothing, answered in their own right, and a real kill -9 between any
/// two steps of a group's answer loses nothing and counts nothing twice.
@Suite("Group commit")
struct GroupCommitTests {
    static func report(_ id: String, unit: String = "shouning", value: String = "2") -> String {
        #"{"id": "\#(id)", "kind": "report", "period": "2026", "unit": "\#(unit)", "indicator": "siren.fixed", "value": \#(value), "observed_at": "2026-11-20"}"#
    }

    /// good-1, a file refused for one bad record among good ones, good-2, the bytes of
    /// good-1 again under another name, a temporary name, good-3.
    static let group: [(name: String, text: String)] = [
        ("good-1.json", report("g-1")),
        ("bad.jsonl", report("b-1") + "\n" + report("b-2", value: "\"many\"") + "\n"),
        ("good-2.json", report("g-2", value: "1")),
        ("good-1-again.json", report("g-1")),
        ("half.json.part", report("p-1")),
        ("good-3.json", report("g-3", unit: "fuan")),
    ]

    func drop(_ site: TestSite) throws {
        for file in Self.group {
            try site.drop(file.name.hasPrefix("good-3") ? "fuan" : "shouning", file.name, file.text)
        }
    }

    @Test("Each file of a group is all or nothing and answered in its own right, in order")
    func eachFileOnItsOwn() throws {
        let site = try TestSite()
        try drop(site)
        let files = Self.group.map { (source: site.source($0.name.hasPrefix("good-3") ? "fuan" : "shouning"), name: FileName($0.name)!) }
        let outcomes = site.intake.process(files)

        #expect(outcomes.count == Self.group.count)
        #expect(outcomes[0].receipt?.counts.imported == 1)
        #expect(outcomes[1].problems.first?.field == "value", "\(outcomes[1])")
        #expect(outcomes[2].receipt?.counts.imported == 1)
        #expect(outcomes[3].receipt?.duplicateOf == "good-1.json", "the same bytes later in the group are a re-drop")
        #expect(outcomes[4].isSkipped)
        #expect(outcomes[5].receipt?.counts.imported == 1)
        // The refused file's good record rolled back with it; nobody else's did.
        #expect(try site.count("SELECT count(*) FROM revision") == 3)
        #expect(try site.count("SELECT count(*) FROM revision WHERE record_id LIKE 'b-%'") == 0)
        #expect(try site.files(.accepted, finished: true) == 3)
        #expect(try site.files(.duplicate, finished: true) == 1)
        #expect(try site.files(.rejected, finished: true) == 1)
        for name in ["good-1.json", "good-2.json", "good-1-again.json"] {
            #expect(site.exists(site.receiptPath("shouning", name)), "\(name)")
        }
        #expect(site.exists(site.receiptPath("fuan", "good-3.json")))
        #expect(site.exists(site.rejectedPath("shouning", "bad.jsonl.errors.txt")))
        #expect(site.names(in: site.dir("shouning")).sorted() == ["half.json.part", "receipts", "rejected"])
        #expect(site.names(in: site.dir("fuan")).sorted() == ["receipts", "rejected"])
    }

    @Test("kill -9 between two steps of a group's answer, then a rerun: every file once",
          arguments: ["after-commit", "after-archive", "after-receipt", "after-removal"])
    func killedMidGroup(point: String) throws {
        let site = try TestSite()
        try drop(site)
        let killed = try runFieldsync(["ingest", "--config", site.configPath], fault: point)
        #expect(killed.status == SIGKILL, "the process must really die at \(point)")
        #expect(try site.count("SELECT count(*) FROM revision") == 2, "shouning's group committed before the kill")

        let rerun = try runFieldsync(["ingest", "--config", site.configPath])
        #expect(rerun.status == 0, "\(rerun.errors)")
        #expect(try site.count("SELECT count(*) FROM revision") == 3, "each record once")
        #expect(try site.count("SELECT count(*) FROM revision WHERE record_id LIKE 'b-%'") == 0)
        #expect(try site.files(.accepted) == 3)
        #expect(try site.files(.accepted, finished: false) == 0)
        #expect(try site.files(.rejected) == 1)
        for name in ["good-1.json", "good-2.json", "good-1-again.json"] {
            #expect(site.exists(site.receiptPath("shouning", name)), "\(name)")
        }
        #expect(site.exists(site.receiptPath("fuan", "good-3.json")))
        #expect(site.names(in: site.dir("shouning")).sorted() == ["half.json.part", "receipts", "rejected"])
        let archived = try site.count("SELECT count(*) FROM file WHERE archive IS NOT NULL AND outcome = 'accepted'")
        #expect(archived == 3)
    }

    @Test("Groups close by size; between two of them the caller may stop, and what was not reached waits")
    func groupsCloseBySize() throws {
        let site = try TestSite()
        let names = ["a.json", "b.json", "c.json"]
        for name in names { try site.drop("shouning", name, Self.report("id-" + name)) }
        var calls = 0
        let outcomes = site.intake.process(names.map { (site.source("shouning"), FileName($0)!) }, groupBytes: 1) {
            calls += 1
            return calls < 2  // go on after the first group, stop after the second
        }
        #expect(calls == 2)
        #expect(outcomes.map { $0.receipt != nil } == [true, true, false])
        #expect(outcomes[2].isSkipped)
        #expect(site.exists(site.dir("shouning") + "/c.json"), "the file not reached waits")
        #expect(try site.count("SELECT count(*) FROM revision") == 2)
    }

    @Test("A store error on one file rolls back that file only; the rest of the group is accepted")
    func oneFileFailsAlone() throws {
        let site = try TestSite()
        // A real SQLite error for one record, as a full disk or a corrupt page would give.
        try site.store.writer.write { db in
            try db.execute(sql: """
                CREATE TRIGGER fail_one BEFORE INSERT ON revision_current WHEN NEW.record_id = 'boom'
                BEGIN SELECT RAISE(ABORT, 'injected failure'); END
                """)
        }
        let names = ["ok-1.json", "boom.json", "ok-2.json"]
        for name in names { try site.drop("shouning", name, Self.report(name == "boom.json" ? "boom" : "id-" + name)) }
        let outcomes = site.intake.process(names.map { (site.source("shouning"), FileName($0)!) })
        #expect(outcomes[0].receipt?.counts.imported == 1)
        #expect(outcomes[1].isSkipped, "\(outcomes[1])")
        #expect(outcomes[2].receipt?.counts.imported == 1)
        #expect(site.exists(site.dir("shouning") + "/boom.json"), "left for the next scan, not refused")
        #expect(!site.exists(site.rejectedPath("shouning", "boom.json")))
        #expect(try site.count("SELECT count(*) FROM revision") == 2)
        #expect(try site.count("SELECT count(*) FROM file") == 2, "no ledger entry for the file that failed")
    }

    /// One county's hostile entries in the same group as another county's good file:
    /// each is answered on its own, the good file is accepted, nothing of the hostile
    /// ones is stored, and the link's target is never read.
    @Test("A hostile county's entries share a group with another county's file without touching it")
    func hostileEntriesInAGroup() throws {
        let site = try TestSite()
        let shouning = site.dir("shouning")
        let secret = site.root + "/outside/secret.json"
        try Self.report("secret").write(toFile: secret, atomically: false, encoding: .utf8)
        #expect(symlink(secret, shouning + "/link.json") == 0)
        #expect(mkfifo(shouning + "/pipe.json", 0o660) == 0)
        try site.drop("shouning", "linked.json", Self.report("linked"))
        #expect(link(shouning + "/linked.json", site.root + "/outside/second-name") == 0)
        try site.drop("shouning", "absurd.json", Self.report("absurd", value: "1" + String(repeating: "0", count: 40)))
        try site.drop("fuan", "good.json", Self.report("good", unit: "fuan"))
        let files: [(String, String)] = [("shouning", "link.json"), ("shouning", "pipe.json"), ("shouning", "linked.json"),
                                         ("shouning", "absurd.json"), ("fuan", "good.json")]
        let outcomes = site.intake.process(files.map { (site.source($0.0), FileName($0.1)!) })

        #expect(outcomes[0].problems.first?.en.contains("not a regular file") == true, "\(outcomes[0])")
        #expect(outcomes[1].problems.first?.en.contains("FIFO") == true, "\(outcomes[1])")
        #expect(outcomes[2].problems.first?.en.contains("link") == true, "\(outcomes[2])")
        #expect(outcomes[3].problems.first?.field == "value", "\(outcomes[3])")
        #expect(outcomes[4].receipt?.counts.imported == 1)
        #expect(try site.count("SELECT count(*) FROM revision") == 1)
        #expect(try site.count("SELECT count(*) FROM revision WHERE record_id = 'good'") == 1)
        #expect(site.read(secret) == Self.report("secret"), "the link's target untouched")
        #expect(site.names(in: shouning).sorted() == ["receipts", "rejected"])
    }
}
