import ArgumentParser
import FieldsyncDelivery
import FieldsyncReport
import Foundation

/// `fieldsync report`: the leadership meeting's report of a period, as one
/// self-contained HTML file or, printed by headless Chromium, a PDF.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the period's report (HTML, or PDF through headless Chromium) for the leadership meeting.",
        discussion: """
            One self-contained file (no script, nothing fetched): the headline, the ranking, the scorecard, the \
            weak points, verification, public evaluation and the trend, in Chinese and English, printable on A4. \
            It is rendered from the scores document alone (what `scores --format json` prints), as central renders it.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case html, pdf }

    @OptionGroup var options: ConfigOption

    @Option(help: ArgumentHelp("Period (default: the newest scheme's).", valueName: "period"))
    var period: String?

    @Option(help: "html or pdf.")
    var format: Format = .html

    @Option(name: .shortAndLong, help: ArgumentHelp("The file to write (default: report-PERIOD.html or .pdf here).", valueName: "file"))
    var output: String?

    func run() async throws {
        let setup = try options.loadSetup()
        guard let period = period ?? setup.newestPeriod, let scheme = setup.schemes[period] else {
            fail("no scheme for period \(period ?? "?"); known: \(setup.schemes.keys.sorted().joined(separator: ", "))")
        }
        let file = output ?? "report-\(period).\(format.rawValue)"
        // Before the store is read: a PDF needs a browser, and saying so first saves the work.
        let browser = format == .pdf ? Self.chromium() : nil
        if format == .pdf, browser == nil {
            fail("printing a PDF needs Chromium: apt-get install chromium fonts-noto-cjk (or write --format html)")
        }
        let store = openStore(setup)
        let html: String
        do {
            html = Report.html(try Outbox.snapshot(store: store, office: setup.config.office, scheme: scheme).document)
        } catch {
            fail("cannot read the store: \(error)")
        }
        switch format {
        case .html:
            do { try Data(html.utf8).write(to: URL(fileURLWithPath: file)) } catch { fail("cannot write \(file): \(error)") }
        case .pdf:
            do { try Self.print(html, with: browser!, to: file) } catch { fail("\(error)") }
        }
        printOut("wrote 已生成 \(file)\n")
    }

    /// The first Chromium on the PATH.
    static func chromium() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            for dir in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") {
                return "\(dir)/\(name)"
            }
        }
        return nil
    }

    struct PrintFailed: Error, CustomStringConvertible {
        var description: String
    }

    /// Prints `html` to a PDF with headless Chromium, in a directory of its own (its
    /// profile too: it may run as root, or twice at once).
    static func print(_ html: String, with browser: String, to file: String) throws {
        let dir = NSTemporaryDirectory() + "fieldsync-report-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data(html.utf8).write(to: URL(fileURLWithPath: dir + "/report.html"))
        let target = URL(fileURLWithPath: file).standardizedFileURL.path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: browser)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(dir)/profile",
                             "--no-pdf-header-footer", "--print-to-pdf=\(target)", "file://\(dir)/report.html"]
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let said = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, FileManager.default.fileExists(atPath: target) else {
            let last = String(decoding: said, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
            throw PrintFailed(description: "Chromium could not print \(file) (exit \(process.terminationStatus)): \(last)")
        }
    }
}
