@testable import FieldsyncIntake
import FieldsyncTesting
import Foundation
import Glibc
import Testing

/// Every file gets an answer, whatever its name, and a file still being written is not
/// read half: the daemon as its own user, the clerk dropping as theirs.
@Suite("Every file gets an answer, and none is read half-written",
       .serialized, .enabled(if: TestUser.available, "needs root to run the daemon and the clerk as users of their own"))
struct HostileDropTests {
    /// A name as raw bytes, how the clerk drops it, and what answers it.
    struct Case: CustomTestStringConvertible, Sendable {
        var label: String
        var name: [UInt8]
        var text: String
        /// The receipt's or the rejected file's name the daemon must write.
        var answer: Answer

        enum Answer: Sendable {
            case receipt(String)
            case rejected(asName: String, errorsFile: String, mentions: String)
        }

        var testDescription: String { label }
    }

    static let report = Records.reportsCSV(unit: "shouning", prefix: "n", count: 2)
    static let longName = String(repeating: "寿", count: 83) + "-x.csv"  // 255 bytes

    static let cases: [Case] = [
        Case(label: "a 255-byte name", name: Array(longName.utf8), text: report,
             answer: .receipt(DropName.derived(longName, suffix: ".receipt.json").string!)),
        Case(label: "a name that is not UTF-8 (GBK bytes)", name: [0xCA, 0xD9, 0xC4, 0xFE] + Array("-报表.csv".utf8), text: report,
             answer: .rejected(asName: "%CA%D9%C4%FE-报表.csv", errorsFile: "%CA%D9%C4%FE-报表.csv.errors.txt",
                               mentions: "%CA%D9%C4%FE")),
        Case(label: "a name with a line break", name: Array("寿宁\n报表.csv".utf8), text: report,
             answer: .rejected(asName: "寿宁%0A报表.csv", errorsFile: "寿宁%0A报表.csv.errors.txt", mentions: "%0A")),
        Case(label: "255 bytes that are not UTF-8", name: [UInt8](repeating: 0xFF, count: 251) + Array(".csv".utf8), text: report,
             answer: .rejected(asName: DropName.derived(String(repeating: "%FF", count: 251) + ".csv").string!,
                               errorsFile: DropName.derived(String(repeating: "%FF", count: 251) + ".csv", suffix: ".errors.txt").string!,
                               mentions: "%FF%FF")),
    ]

    @Test("Any name ends in a receipt or a rejection", arguments: cases)
    func anyName(_ c: Case) throws {
        let site = try PrivilegedSite()
        let daemon = try site.startDaemon()
        try clerkDrops(site, name: c.name, c.text)
        let drop = site.dir("shouning")
        switch c.answer {
        case .receipt(let receipt):
            let path = drop + "/receipts/" + receipt
            // The receipt is written before the file is removed; the ledger says when both are done.
            try waitUntil("the receipt, and the file finished", watching: [drop + "/receipts", drop]) {
                try site.site.exists(path) && site.site.files(.accepted, finished: true) == 1
            }
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any]
            #expect(json?["file"] as? String == String(decoding: c.name, as: UTF8.self))
            #expect(json?["records"] as? Int == 2)
        case .rejected(let name, let errorsFile, let mentions):
            let path = drop + "/rejected/" + errorsFile
            try waitUntil("the errors file, the file set aside, and the rejection counted", watching: [drop + "/rejected"]) {
                try site.site.exists(path) && site.site.exists(drop + "/rejected/" + name)
                    && site.site.files(.rejected, finished: true) == 1
            }
            let text = try String(contentsOfFile: path, encoding: .utf8)
            #expect(text.contains(mentions) && text.contains("UTF-8"), "\(text)")
        }
        // Answered once: nothing of it is left to try again at the next scan.
        #expect(site.site.names(in: drop).filter { $0 != "receipts" && $0 != "rejected" } == [])
        #expect(daemon.isRunning)
    }

    @Test("A directory dropped in is reported once and shown by status")
    func directoryDroppedIn() throws {
        let site = try PrivilegedSite(extraConfig: AnswerChannelAttackTests.quick)
        let daemon = try site.startDaemon(debug: true)
        #expect(try TestUser.shouningClerk.shell("mkdir '2026 材料' && echo half > .upload.part", in: site.dir("shouning")).status == 0)
        try daemon.waitForLog("a directory was dropped")
        let after = daemon.logLength
        // Two more scans report it no more.
        try daemon.waitForLog("scanned the drop directories", times: 2, after: after)
        #expect(try site.status(of: "shouning")["directories"] as? [String] == ["2026 材料"])
        #expect(try site.status(of: "shouning")["temporaries"] as? Int == 1, "an abandoned upload is counted")
        try site.site.drop("shouning", "later.csv", Records.reportsCSV(unit: "shouning", prefix: "l", count: 1))
        try waitUntil("a later file's receipt", watching: [site.dir("shouning") + "/receipts"]) {
            site.site.receiptRecords("shouning", "later.csv") == 1
        }
        #expect(daemon.stderr.components(separatedBy: "a directory was dropped").count - 1 == 1)
        #expect(!daemon.stderr.dropFirst(after).contains("a directory was dropped"))
        #expect(site.site.exists(site.dir("shouning") + "/2026 材料"), "left alone")
    }

    @Test("A writer that pauses longer than the quiet period is waited for, and status shows it")
    func pausingWriter() throws {
        let site = try PrivilegedSite(extraConfig: AnswerChannelAttackTests.quick)
        let daemon = try site.startDaemon()
        let path = site.dir("shouning") + "/slow.csv"
        let rows = Records.reportsCSV(unit: "shouning", prefix: "slow", count: 10).split(separator: "\n", omittingEmptySubsequences: false)
        var fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o660)
        #expect(fd >= 0)
        // Closed once: a second close(2) would close whatever descriptor another test
        // opened meanwhile under the same number (a daemon's log pipe, a socket of NIO's).
        defer { if fd >= 0 { close(fd) } }
        try writeAll(fd, Array((rows[0 ... 5].joined(separator: "\n") + "\n").utf8))

        // The quiet period is one second and the daemon scans every second: three
        // seconds of silence from the writer, as the daemon itself reports them.
        try waitUntil("status to show the file waiting on its writer for 3 s", timeout: .seconds(20)) {
            let written = try site.status(of: "shouning")["being_written"] as? [[String: Any]] ?? []
            return written.contains { $0["name"] as? String == "slow.csv" && ($0["seconds"] as? Int ?? 0) >= 3 }
        }
        #expect(site.site.exists(path))
        #expect(!site.site.exists(site.dir("shouning") + "/rejected/slow.csv"))
        #expect(site.site.receipt("shouning", "slow.csv") == nil)
        #expect(try site.count("SELECT count(*) FROM file") == 0)

        try writeAll(fd, Array((rows[6...].joined(separator: "\n")).utf8))
        close(fd)
        fd = -1
        try waitUntil("the receipt", watching: [site.dir("shouning") + "/receipts"]) {
            site.site.receipt("shouning", "slow.csv") != nil
        }
        #expect(site.site.receiptRecords("shouning", "slow.csv") == 10)
        #expect((try site.status(of: "shouning")["being_written"] as? [Any])?.isEmpty == true)
        #expect(daemon.isRunning)
    }

    @Test("A flood of events from another directory does not end a writer's hold")
    func floodDoesNotEndAHold() throws {
        let limitText = try String(contentsOfFile: "/proc/sys/fs/inotify/max_queued_events", encoding: .utf8)
        let limit = try #require(Int(limitText.trimmingCharacters(in: .whitespacesAndNewlines)))
        try #require(limit <= 65536, "max_queued_events is \(limit): too many files for a test")
        let site = try PrivilegedSite(extraConfig: AnswerChannelAttackTests.quick)
        let daemon = try site.startDaemon(debug: true)
        let path = site.dir("fuan") + "/slow.csv"
        let rows = Records.reportsCSV(unit: "fuan", prefix: "slow", count: 10).split(separator: "\n", omittingEmptySubsequences: false)
        var fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o660)
        #expect(fd >= 0)
        // Closed once: a second close(2) would close whatever descriptor another test
        // opened meanwhile under the same number (a daemon's log pipe, a socket of NIO's).
        defer { if fd >= 0 { close(fd) } }
        try writeAll(fd, Array((rows[0 ... 5].joined(separator: "\n") + "\n").utf8))
        try waitUntil("status to show the file waiting on its writer") {
            (try site.status(of: "fuan")["being_written"] as? [[String: Any]] ?? []).contains { $0["name"] as? String == "slow.csv" }
        }

        // Another county floods the daemon's inotify queue while the writer pauses.
        try daemon.stop()
        for i in 0 ..< limit + 200 {
            let flood = open(site.dir("shouning") + "/.flood-\(i).tmp", O_WRONLY | O_CREAT | O_CLOEXEC, 0o660)
            close(flood)
        }
        let mark = daemon.logLength
        daemon.signal(SIGCONT)
        try daemon.waitForLog("inotify queue overflowed", after: mark)
        try daemon.waitForLog("scanned the drop directories", times: 2, after: mark)
        try waitUntil("three seconds of silence from the writer, as the daemon reports them") {
            (try site.status(of: "fuan")["being_written"] as? [[String: Any]] ?? [])
                .contains { $0["name"] as? String == "slow.csv" && ($0["seconds"] as? Int ?? 0) >= 3 }
        }
        #expect(site.site.receipt("fuan", "slow.csv") == nil)
        #expect(site.site.exists(path))

        try writeAll(fd, Array((rows[6...].joined(separator: "\n")).utf8))
        close(fd)
        fd = -1
        try waitUntil("the receipt", watching: [site.dir("fuan") + "/receipts"]) { site.site.receipt("fuan", "slow.csv") != nil }
        #expect(site.site.receiptRecords("fuan", "slow.csv") == 10)
    }

    @Test("A file created and never written is answered, not held as being written")
    func createdNeverWritten() throws {
        let site = try PrivilegedSite(extraConfig: AnswerChannelAttackTests.quick)
        let daemon = try site.startDaemon()
        let made = try TestUser.shouningClerk.shell(
            "python3 -c 'import os; os.close(os.open(\"empty.csv\", os.O_CREAT | os.O_RDONLY, 0o660))'", in: site.dir("shouning"))
        #expect(made.status == 0, "\(made.output)")
        let errors = site.dir("shouning") + "/rejected/empty.csv.errors.txt"
        try waitUntil("the errors file; the daemon's log:\n\(daemon.stderr)\nin the drop directory: \(site.site.names(in: site.dir("shouning")))",
                      watching: [site.dir("shouning") + "/rejected"]) { site.site.exists(errors) }
        #expect(try String(contentsOfFile: errors, encoding: .utf8).contains("the file is empty"))
    }

    @Test("When the store cannot take a copy, the file waits; it is not the clerk's fault")
    func storeCannotCopy() throws {
        let site = try PrivilegedSite(extraConfig: AnswerChannelAttackTests.quick)
        let daemon = try site.startDaemon()
        let incoming = site.site.stateDirectory + "/incoming"
        #expect(chmod(incoming, 0o500) == 0)
        try site.site.drop("shouning", "ok.csv", Records.reportsCSV(unit: "shouning", prefix: "ok", count: 2))
        try daemon.waitForLog("cannot copy a drop file into the store")
        #expect(site.site.exists(site.dir("shouning") + "/ok.csv"))
        #expect(site.site.names(in: site.dir("shouning") + "/rejected") == [])
        #expect(chmod(incoming, 0o750) == 0)
        try waitUntil("the receipt", watching: [site.dir("shouning") + "/receipts"]) { site.site.receiptRecords("shouning", "ok.csv") == 2 }
    }

    /// Has Shouning's clerk drop `text` under the raw name `name`: copied in under a
    /// temporary name, then renamed.
    func clerkDrops(_ site: PrivilegedSite, name: [UInt8], _ text: String) throws {
        let source = site.site.outside + "/" + UUID().uuidString
        try writeFile(source, Array(text.utf8))
        let printable = name.map { b -> String in
            (0x20 ..< 0x7F).contains(b) && b != 0x27 && b != 0x5C && b != 0x25 ? String(UnicodeScalar(b)) : "\\" + String(b, radix: 8)
        }.joined()
        let result = try TestUser.shouningClerk.shell(
            "n=$(printf '\(printable)x'); n=${n%x}; cp '\(source)' .part.$$ && mv .part.$$ \"$n\"", in: site.dir("shouning"))
        #expect(result.status == 0, "\(result.output)")
    }
}
