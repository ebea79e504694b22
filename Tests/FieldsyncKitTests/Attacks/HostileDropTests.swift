import Foundation
import Glibc
import Testing
@testable import FieldsyncKit

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
            try waitUntil("the receipt", watching: [drop + "/receipts"]) { site.site.exists(path) }
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any]
            #expect(json?["file"] as? String == String(decoding: c.name, as: UTF8.self))
            #expect(json?["records"] as? Int == 2)
        case .rejected(let name, let errorsFile, let mentions):
            let path = drop + "/rejected/" + errorsFile
            try waitUntil("the errors file", watching: [drop + "/rejected"]) { site.site.exists(path) }
            #expect(site.site.exists(drop + "/rejected/" + name))
            let text = try String(contentsOfFile: path, encoding: .utf8)
            #expect(text.contains(mentions) && text.contains("UTF-8"), "\(text)")
            #expect(try site.count("SELECT count(*) FROM file WHERE outcome = 'rejected' AND finished = 1") == 1)
        }
        // Answered once: nothing of it is left to try again at the next scan.
        #expect(site.site.names(in: drop).filter { $0 != "receipts" && $0 != "rejected" } == [])
        #expect(daemon.isRunning)
    }

    @Test("A directory dropped in is reported once and shown by status")
    func directoryDroppedIn() throws {
        let site = try PrivilegedSite(extraConfig: AnswerChannelAttackTests.quick)
        let daemon = try site.startDaemon(debug: true)
        #expect(try TestUser.shouningClerk.shell("mkdir '2026 材料'", in: site.dir("shouning")).status == 0)
        try daemon.waitForLog("a directory was dropped")
        let after = daemon.logLength
        // Two more scans report it no more.
        try daemon.waitForLog("scanned the drop directories", times: 2, after: after)
        #expect(try site.status(of: "shouning")["directories"] as? [String] == ["2026 材料"])
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
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o660)
        #expect(fd >= 0)
        defer { close(fd) }
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
        try waitUntil("the receipt", watching: [site.dir("shouning") + "/receipts"]) {
            site.site.receipt("shouning", "slow.csv") != nil
        }
        #expect(site.site.receiptRecords("shouning", "slow.csv") == 10)
        #expect((try site.status(of: "shouning")["being_written"] as? [Any])?.isEmpty == true)
        #expect(daemon.isRunning)
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
