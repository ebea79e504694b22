import FieldsyncTesting
import Foundation
import Glibc
import Testing

/// A county clerk attacking the daemon through their own drop directory, as production
/// runs it: the daemon as its own user, the clerk as another user in the county's group
/// only (`setpriv`), the modes of `systemd/fieldsync.tmpfiles`.
///
/// The daemon's answer channel — `receipts/` and `rejected/` — is where it writes. If a
/// clerk can swap one for a symbolic link, the daemon's next write goes wherever the
/// link points: a bad file named `fieldsync.sqlite` renamed over the store, or a file
/// moved into another county's directory and accepted as that county's.
@Suite("A county cannot reach the store or another county through its drop directory",
       .serialized, .enabled(if: TestUser.available, "needs root to run the daemon and the clerk as users of their own"))
struct AnswerChannelAttackTests {
    static let quick = """
        [intake]
        poll_interval = "1s"
        """

    static let shouningReport = Records.reportsCSV(unit: "shouning", prefix: "sn", count: 3)
    /// Fuan's records, dropped by Shouning: refused for Shouning, valid for Fuan.
    static let fuanReport = Records.reportsCSV(unit: "fuan", prefix: "fa-forged", count: 3)

    @Test("The sticky drop directory keeps a clerk's hands off the daemon's directories")
    func stickyDropDirectory() throws {
        let site = try PrivilegedSite()
        let clerk = TestUser.shouningClerk
        let drop = site.dir("shouning")
        #expect(try clerk.shell("mv rejected rejected.old", in: drop).status != 0)
        #expect(try clerk.shell("rm -rf receipts", in: drop).status != 0)
        #expect(try clerk.shell("mkdir receipts.new && mv receipts.new receipts", in: drop).status != 0)
        var st = stat()
        #expect(lstat(drop + "/rejected", &st) == 0 && st.st_mode & S_IFMT == S_IFDIR && st.st_uid == TestUser.daemon.uid)
        #expect(lstat(drop + "/receipts", &st) == 0 && st.st_mode & S_IFMT == S_IFDIR && st.st_uid == TestUser.daemon.uid)
        // What the clerk owns stays theirs to rename and remove.
        #expect(try clerk.shell("echo x > .mine.part && mv .mine.part mine.tmp && rm mine.tmp", in: drop).status == 0)
    }

    /// How a clerk replaces an entry of the answer channel in a drop directory that is
    /// not sticky (an installation from before the sticky bit, or modes someone
    /// changed): the daemon must notice, not rely on the mode.
    enum Swap: String, CaseIterable, CustomTestStringConvertible {
        case rejectedToStore, rejectedToFuan, receiptsToStore, receiptsToFuan, receiptsOfTheClerksOwn

        var entry: String { self == .rejectedToStore || self == .rejectedToFuan ? "rejected" : "receipts" }

        /// The clerk's command, run in Shouning's drop directory.
        func script(_ site: PrivilegedSite) -> String {
            switch self {
            case .rejectedToStore, .receiptsToStore:
                "mv \(entry) \(entry).old && ln -s '\(site.site.stateDirectory)' \(entry)"
            case .rejectedToFuan, .receiptsToFuan:
                "mv \(entry) \(entry).old && ln -s '\(site.dir("fuan"))' \(entry)"
            case .receiptsOfTheClerksOwn:
                "mv receipts receipts.old && mkdir receipts"
            }
        }

        /// What the clerk drops next: a bad file to be moved through `rejected`, a good
        /// one to be answered through `receipts`.
        var drop: (name: String, text: String) {
            switch self {
            case .rejectedToStore: ("fieldsync.sqlite", "a database the clerk made\n")
            case .rejectedToFuan: ("福安-report.csv", AnswerChannelAttackTests.fuanReport)
            default: ("寿宁县-自评.csv", AnswerChannelAttackTests.shouningReport)
            }
        }

        /// What `status` must say of the entry.
        var fault: String {
            self == .receiptsOfTheClerksOwn ? "belongs to uid \(TestUser.shouningClerk.uid)" : "is a symbolic link"
        }

        var testDescription: String { rawValue }
    }

    @Test("A swapped answer channel stops the source: nothing is written, the files wait, status says why",
          arguments: Swap.allCases)
    func swappedAnswerChannel(_ swap: Swap) throws {
        let site = try PrivilegedSite(dropMode: 0o2770, extraConfig: Self.quick)
        let daemon = try site.startDaemon()
        let clerk = TestUser.shouningClerk
        let drop = site.dir("shouning")
        let storeBefore = try identity(site.site.stateDirectory + "/fieldsync.sqlite")
        let stateBefore = site.site.names(in: site.site.stateDirectory)
        let fuanBefore = site.site.names(in: site.dir("fuan"))

        // The swap is made while the daemon is stopped: it makes a missing receipts/ or
        // rejected/ again, and could take the name between the clerk's two steps (the
        // clerk's attempt would then fail — no harm done, but not the case tried here).
        try daemon.stop()
        #expect(try clerk.shell(swap.script(site), in: drop).status == 0)
        daemon.signal(SIGCONT)
        let file = swap.drop
        try clerkDrops(site, file.name, file.text)
        try clerkDrops(site, "second.csv", Self.shouningReport.replacingOccurrences(of: "sn-", with: "sn2-"))
        // Work is done in order: once Fuan's own file is answered, both of Shouning's
        // files have been looked at.
        try site.site.drop("fuan", "福安-own.csv", Records.reportsCSV(unit: "fuan", prefix: "fa", count: 2))
        try waitUntil("Fuan's file answered and removed", watching: [site.dir("fuan"), site.dir("fuan") + "/receipts"]) {
            site.site.receiptRecords("fuan", "福安-own.csv") == 2 && !site.site.exists(site.dir("fuan") + "/福安-own.csv")
        }

        // Shouning's files wait where they were; nothing went through the link.
        #expect(site.site.exists(drop + "/" + file.name))
        #expect(site.site.exists(drop + "/second.csv"))
        #expect(try identity(site.site.stateDirectory + "/fieldsync.sqlite") == storeBefore)
        // Only what the daemon itself keeps there (its WAL, the writers it waits on, its
        // metrics textfile): no receipt or errors file went through the link.
        let own: Set<String> = ["writers.json", "metrics.prom"]
        #expect(site.site.names(in: site.site.stateDirectory).filter {
            !stateBefore.contains($0) && !$0.hasPrefix("fieldsync.sqlite-") && !own.contains($0)
                && !($0.hasPrefix(".") && $0.hasSuffix(".tmp"))  // the textfile being rewritten
        } == [])
        #expect(site.site.names(in: site.dir("fuan")) == fuanBefore + [])
        #expect(!site.site.exists(site.dir("fuan") + "/" + file.name))
        #expect(try site.count("SELECT count(*) FROM file WHERE source = 'shouning'") == 0)
        #expect(try site.count("SELECT count(*) FROM revision JOIN file ON file.id = revision.file_id WHERE revision.record_id LIKE 'fa-forged%'") == 0)
        // Told once, shown by status.
        #expect(daemon.stderr.components(separatedBy: "drop directory cannot be answered").count - 1 == 1, "\(daemon.stderr)")
        let fault = try site.status(of: "shouning")["fault"] as? String
        #expect(fault?.hasPrefix(swap.entry + "/ " + swap.fault) == true, "\(String(describing: fault))")
        #expect(try site.status(of: "fuan")["fault"] is NSNull)

        // The operator repairs it: the files are answered.
        #expect(unlink(drop + "/" + swap.entry) == 0 || rmdir(drop + "/" + swap.entry) == 0)
        #expect(rename(drop + "/" + swap.entry + ".old", drop + "/" + swap.entry) == 0)
        // Both answered (as one group: the refused file's answer may come after the other's receipt).
        try waitUntil("Shouning's files answered", watching: [drop + "/receipts", drop + "/rejected"]) {
            site.site.receiptRecords("shouning", "second.csv") == 3
                && (swap.entry == "rejected" ? site.site.exists(drop + "/rejected/" + file.name + ".errors.txt")
                                             : site.site.receiptRecords("shouning", file.name) == 3)
        }
        try daemon.waitForLog("drop directory repaired")
        if swap.entry == "rejected" {
            #expect(site.site.exists(drop + "/rejected/" + file.name + ".errors.txt"))
        } else {
            #expect(site.site.receiptRecords("shouning", file.name) == 3)
        }
        #expect(try site.status(of: "shouning")["fault"] is NSNull)
    }

    @Test("A hard link is refused without being read")
    func hardLink() throws {
        let site = try PrivilegedSite(extraConfig: Self.quick)
        // A file the daemon can read and the clerk cannot (with fs.protected_hardlinks
        // off, a clerk could link it; here root makes the link for them).
        let secret = site.site.outside + "/credentials.csv"
        try writeFile(secret, Array("DB_PASSWORD=hunter2\n".utf8))
        #expect(chown(secret, 0, TestUser.daemon.gid) == 0 && chmod(secret, 0o640) == 0)
        let daemon = try site.startDaemon()
        #expect(link(secret, site.dir("shouning") + "/credentials.csv") == 0)
        let errors = site.dir("shouning") + "/rejected/credentials.csv.errors.txt"
        try waitUntil("the errors file", watching: [site.dir("shouning") + "/rejected"]) { site.site.exists(errors) }
        let text = try String(contentsOfFile: errors, encoding: .utf8)
        #expect(text.contains("hard links"))
        #expect(!text.contains("hunter2"))
        #expect(!daemon.stderr.contains("hunter2"))
        #expect(try String(contentsOfFile: secret, encoding: .utf8) == "DB_PASSWORD=hunter2\n")
    }

    /// Writes `text` outside and has Shouning's clerk drop it (copy in under a
    /// temporary name, then rename), as their own file.
    func clerkDrops(_ site: PrivilegedSite, _ name: String, _ text: String) throws {
        let source = site.site.outside + "/" + UUID().uuidString
        try writeFile(source, Array(text.utf8))
        let result = try TestUser.shouningClerk.shell("cp '\(source)' '.\(name).part' && mv '.\(name).part' '\(name)'",
                                                      in: site.dir("shouning"))
        #expect(result.status == 0, "\(result.output)")
    }

    func identity(_ path: String) throws -> [UInt64] {
        var st = stat()
        guard lstat(path, &st) == 0 else { throw TestSetupError("lstat \(path)") }
        return [UInt64(st.st_dev), UInt64(st.st_ino), UInt64(st.st_uid)]
    }
}
