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
        // Every source's directory must be one the daemon can watch: "config ok" is
        // said only when it is. One not there yet is made by the daemon as it starts
        // (systemd's tmpfiles.d makes them on a server): said, not an error.
        var wrong: [String] = []
        var notYet: [String] = []
        for source in setup.config.sources {
            var isDirectory: ObjCBool = false
            if !FileManager.default.fileExists(atPath: source.path, isDirectory: &isDirectory) {
                notYet.append("source \(source.name): \(source.path) does not exist yet 目录尚不存在; the daemon makes it as it starts 守护进程启动时创建")
            } else if !isDirectory.boolValue {
                wrong.append("source \(source.name): \(source.path) is not a directory 不是目录")
            } else if access(source.path, R_OK | W_OK | X_OK) != 0 {
                wrong.append("source \(source.name): \(source.path) cannot be read and written by this user 本用户无法读写该目录")
            }
        }
        if !wrong.isEmpty {
            for line in wrong { printErr("fieldsync: \(line)\n") }
            throw ExitCode(2)
        }
        printOut("config ok: \(setup.config.file) — office \(setup.config.office), \(setup.config.sources.count) sources, schemes for \(periods)\n")
        for line in notYet { printOut("  note 注意: \(line)\n") }
        for period in setup.schemes.keys.sorted() { printPoints(setup.schemes[period]!) }
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

    /// Each unit's applicable points per aspect (a unit's indicator score is out of the
    /// points that apply to it, SPEC §5.2), and a warning when the scheme's points do
    /// not add up to 100.
    private func printPoints(_ scheme: Scheme) {
        let total = scheme.indicators.reduce(Exact.zero) { $0 + $1.points }
        printOut("scheme \(scheme.period) \(scheme.name): \(scheme.indicators.count) indicators, \(total) points 分\n")
        if total != .hundred {
            printOut("  warning 注意: the points add up to \(total), not 100 指标分值合计不是 100\n")
        }
        for unit in scheme.units {
            let applicable = scheme.indicators.filter { $0.applies(to: unit.code) }
            let parts = Aspect.allCases.map { aspect in
                let points = applicable.filter { $0.aspect == aspect }.reduce(Exact.zero) { $0 + $1.points }
                return "\(aspect.chinese) \(points)"
            }
            let sum = applicable.reduce(Exact.zero) { $0 + $1.points }
            printOut("  \(unit.name) \(unit.code): \(parts.joined(separator: " + ")) = \(sum) points applicable 适用分值\n")
        }
    }
}
