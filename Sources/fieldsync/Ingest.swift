import ArgumentParser
import FieldsyncKit

struct Ingest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Process every file now in the drop directories once, exactly as the daemon would, then exit.",
        discussion: "Accepted files are archived and get a receipt in receipts/; rejected files move to rejected/ with NAME.errors.txt. Exit status 0 even when files were rejected (that is the files' problem, reported beside them), 2 when the configuration or store is unusable."
    )

    @OptionGroup var options: ConfigOption

    func run() async throws {
        let setup = try options.loadSetup()
        let service = openService(setup)
        do {
            try service.intake.recover()
        } catch {
            fail("cannot prepare \(setup.config.stateDirectory): \(error)")
        }
        var accepted = 0, rejected = 0
        for (source, name, outcome) in service.intake.ingestAll() {
            switch outcome {
            case .accepted(let r):
                accepted += 1
                let c = r.counts
                let dup = r.duplicateOf.map { " (same bytes as \($0): no-op)" } ?? ""
                printOut("accepted 已接收  \(source)/\(name): \(c.records) records, \(c.imported) new, \(c.updated) updated, \(c.ignored) ignored, \(c.retracted) retracted\(dup)\n")
            case .rejected(let problems):
                rejected += 1
                printOut("rejected 已退回  \(source)/\(name): \(problems.count) problems, see \(source)/rejected/\(name).errors.txt\n")
                for p in problems.prefix(5) { printOut("    \(p)\n") }
                if problems.count > 5 { printOut("    …\n") }
            case .skipped:
                continue
            }
        }
        printOut("\(accepted) accepted, \(rejected) rejected\n")
        try? service.store.close()
    }
}
