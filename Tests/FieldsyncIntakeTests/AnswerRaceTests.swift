@testable import FieldsyncIntake
@testable import FieldsyncProtocol
@testable import FieldsyncStore
@testable import FieldsyncSystem
import FieldsyncTesting
import Foundation
import Glibc
import Testing

/// A file is answered only as the very file that was examined: a name swapped, a file
/// written to, bytes another source dropped, a name chosen to collide — each gets its
/// own answer or none, never someone else's.
@Suite("Answers go to the file that was examined")
struct AnswerRaceTests {
    static let report = Records.reportsCSV(unit: "shouning", prefix: "r", count: 2)

    @Test("takeAway moves only the file that was examined, unchanged, and puts anything else back")
    func takeAway() throws {
        let site = try TestSite()
        let handles = try site.intake.drops["shouning"]!.open().get()
        try site.drop("shouning", "a.csv", Self.report)
        let examined = try #require(try handles.drop.status(of: "a.csv"))

        // Swapped for a directory of the clerk's between the look and the move.
        #expect(rename(site.dir("shouning") + "/a.csv", site.root + "/a.csv.away") == 0)
        #expect(mkdir(site.dir("shouning") + "/a.csv", 0o770) == 0)
        #expect(try !handles.takeAway("a.csv", into: handles.rejected, as: "a.csv", expecting: examined))
        #expect(try handles.drop.status(of: "a.csv")?.kind == .directory, "put back")
        #expect(try handles.rejected.status(of: "a.csv") == nil)
        #expect(rmdir(site.dir("shouning") + "/a.csv") == 0)

        // The very file, but written to since it was examined.
        #expect(rename(site.root + "/a.csv.away", site.dir("shouning") + "/a.csv") == 0)
        let fd = open(site.dir("shouning") + "/a.csv", O_WRONLY | O_APPEND)
        #expect(write(fd, "r-9,report,2026,shouning,siren.fixed,1,2026-11-20\n", 50) == 50)
        close(fd)
        #expect(try !handles.takeAway("a.csv", into: handles.rejected, as: "a.csv", expecting: examined))
        #expect(site.exists(site.dir("shouning") + "/a.csv"))

        // Unchanged: taken, over an earlier answer of the same name.
        let now = try #require(try handles.drop.status(of: "a.csv"))
        try handles.rejected.writeFile("a.csv", contents: Array("an earlier rejection\n".utf8))
        #expect(try handles.takeAway("a.csv", into: handles.rejected, as: "a.csv", expecting: now))
        #expect(try handles.rejected.status(of: "a.csv")?.identity == now.identity)
        #expect(!site.exists(site.dir("shouning") + "/a.csv"))
    }

    @Test("The same bytes from another source are that source's file, not a re-drop of the first")
    func sameBytesAnotherSource() throws {
        let site = try TestSite()
        let fuan = Records.reportsCSV(unit: "fuan", prefix: "f", count: 2)
        #expect(try site.ingest("fuan", "福安.csv", fuan).receipt?.counts.imported == 2)
        let copied = try site.ingest("shouning", "copied.csv", fuan)
        #expect(copied.receipt == nil)
        #expect(copied.problems.first?.en.contains("may only report for its own unit") == true, "\(copied.problems)")
        #expect(!copied.problems.contains { $0.description.contains("福安") }, "nothing of Fuan's file is told")
    }

    @Test("A file named like another's errors file cannot take its place")
    func errorsFileCannotBeReplaced() throws {
        let site = try TestSite()
        #expect(!(try site.ingest("shouning", "d.csv", "not,a,header\n").problems.isEmpty))
        let errors = site.dir("shouning") + "/rejected/d.csv.errors.txt"
        let original = try #require(site.read(errors))
        #expect(!(try site.ingest("shouning", "d.csv.errors.txt", "FORGED: d.csv was fine\n").problems.isEmpty))
        #expect(site.read(errors) == original)
        #expect(site.exists(site.dir("shouning") + "/rejected/d.csv%2Eerrors.txt"))
        #expect(site.exists(site.dir("shouning") + "/rejected/d.csv%2Eerrors.txt.errors.txt"))
    }

    @Test("A name and its look-alike escape to different names")
    func lookAlikes() throws {
        let site = try TestSite()
        let bad = "not,a,header\n"
        _ = try site.ingest("shouning", "c%0A.csv", bad)
        try site.drop("shouning", "c\n.csv", Array(bad.utf8))
        _ = site.intake.process(source: site.source("shouning"), name: FileName(stringLiteral: "c\n.csv"))
        let rejected = site.dir("shouning") + "/rejected/"
        #expect(site.exists(rejected + "c%250A.csv") && site.exists(rejected + "c%0A.csv"))
        #expect(try site.count("SELECT count(DISTINCT name) FROM file WHERE outcome = '\(LedgerOutcome.rejected.rawValue)'") == 2)
    }

    @Test("A file time far in the future or past is no crash, and not 'recent'",
          arguments: [Int(Int64.max / 1_000_000_000), -Int(Int64.max / 1_000_000_000), 10_000_000_000_000])
    func absurdFileTime(seconds: Int) throws {
        let time = FileStatus.Time(timespec(tv_sec: seconds, tv_nsec: 999_999_999))
        #expect(abs(time.microseconds) <= Int64.max / 2)
        let file = WaitingFile(name: "x.csv", modified: Timestamp(time), kind: .regular,
                               identity: .init(device: 0, inode: 0))
        #expect(!file.modifiedRecently(within: Duration.seconds(5), now: Timestamp.now()))
        _ = file.age(at: Timestamp.now())
    }
}
