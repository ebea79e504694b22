import ArgumentParser
import FieldsyncDaemon
import FieldsyncIntake
import FieldsyncModel
import FieldsyncStore
import Foundation

struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate the config and schemes; with files, validate them as their source would (a dry run: nothing is stored or moved).",
        discussion: """
            Exit status: 0 when everything is valid, 1 when a file would be rejected, 2 when the \
            configuration itself is wrong. Use it as systemd's ExecStartPre, and to try a file \
            before dropping it.
            """
    )

    @OptionGroup var options: ConfigOption

    @Option(help: ArgumentHelp("Validate the files as this source's (default: the source whose directory holds each file).", valueName: "name"))
    var source: String?

    @Argument(help: "Record files to validate.")
    var files: [String] = []

    func run() async throws {
        let setup = try options.loadSetup()
        let periods = setup.schemes.keys.sorted().joined(separator: ", ")
        printOut("config ok: \(setup.config.file) — office \(setup.config.office), \(setup.config.sources.count) sources, schemes for \(periods)\n")
        guard !files.isEmpty else { return }

        let named: Source?
        if let source {
            guard let s = setup.config.source(named: source) else { fail("no source named \"\(source)\" in \(setup.config.file)") }
            named = s
        } else {
            named = nil
        }
        let store: Store
        do {
            let existing = FileManager.default.fileExists(atPath: Store.databasePath(directory: setup.config.stateDirectory))
            store = existing ? try Instance.openStore(directory: setup.config.stateDirectory) : try Instance.inMemoryStore()
        } catch {
            fail("cannot open the store: \(error)")
        }
        let intake = Intake(setup: setup, store: store, logger: makeLogger())
        var bad = 0
        for file in files {
            guard let src = named ?? setup.config.source(holding: file) else {
                fail("\(file) is in no source's directory; name one with --source")
            }
            let verdict: CheckVerdict
            do {
                verdict = try intake.check(path: file, source: src)
            } catch {
                fail("cannot check \(file): \(describe(error))")
            }
            switch verdict {
            case .wouldAccept(let counts):
                printOut("\(file): ok 可接收 — \(counts.records) records: \(counts.imported) new, \(counts.updated) updated, \(counts.ignored) ignored, \(counts.retracted) retracted\n")
            case .duplicate(let name, let source, let acceptedAt):
                printOut("\(file): already accepted 已接收过 — the same bytes were accepted from \(source) as \(name) at \(acceptedAt.local(setup.officeTimeZone)); dropping it again changes nothing 重复报送不会改变任何数据\n")
            case .wouldReject(let problems):
                bad += 1
                printOut("\(file): rejected 不予接收 — \(problems.count) problems:\n")
                for p in problems.listed { printOut("  \(p)\n") }
                if problems.unlisted > 0 { printOut("  … \(problems.unlisted) more 另有 \(problems.unlisted) 个问题未列出\n") }
            }
        }
        if bad > 0 { throw ExitCode(1) }
    }
}
