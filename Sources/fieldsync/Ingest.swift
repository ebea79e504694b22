import ArgumentParser
import FieldsyncIntake

struct Ingest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Process every file now in the drop directories once, exactly as the daemon would, then exit.",
        discussion: "Accepted files are archived and get a receipt in receipts/; rejected files move to rejected/ with NAME.errors.txt. Exit status 0 even when files were rejected (that is the files' problem, reported beside them), 2 when the configuration or store is unusable."
    )

    @OptionGroup var options: ConfigOption

    func run() async throws {
        let setup = try options.loadSetup()
        let instance = openInstance(setup)
        do {
            try instance.intake.recover()
        } catch {
            fail("cannot prepare \(setup.config.stateDirectory): \(error)")
        }
        var accepted = 0, rejected = 0, left = 0
        let quiet = Intake.quietPeriod(pollInterval: setup.config.intake.pollInterval)
        for (source, fileName, outcome) in instance.intake.ingestAll(quietPeriod: quiet) {
            let name = Intake.displayName(fileName)
            switch outcome {
            case .accepted(let r):
                accepted += 1
                let c = r.counts
                let dup = r.duplicateOf.map { " (same bytes as \($0): no-op)" } ?? ""
                printOut("accepted 已接收  \(source)/\(name): \(c.records) records, \(c.imported) new, \(c.updated) updated, \(c.ignored) ignored, \(c.retracted) retracted\(dup)\n")
            case .rejected(let problems):
                rejected += 1
                printOut("rejected 已退回  \(source)/\(name): \(problems.count) problems, see \(source)/rejected/\(Intake.errorsFileName(for: fileName))\n")
                for p in problems.listed.prefix(5) { printOut("    \(p)\n") }
                if problems.count > 5 { printOut("    …\n") }
            case .unanswered(let fault):
                left += 1
                printOut("left 未处理  \(source)/\(name): \(fault)\n")
            case .tooRecent(let age):
                left += 1
                printOut("left 暂不处理  \(source)/\(name): modified \(age.components.seconds) s ago, it may still be being written 文件可能仍在写入; run ingest again in \(quiet.components.seconds) s\n")
            case .skipped:
                continue
            }
        }
        printOut("\(accepted) accepted, \(rejected) rejected" + (left > 0 ? ", \(left) left for later" : "") + "\n")
        // Score what changed, once for the whole run, as a new sequence (kept for the
        // report's trend); with [push], staged for `fieldsync push` or the daemon.
        do {
            for staged in try instance.stageChanged() {
                let next = instance.setup.config.push == nil ? "no [push] configured: kept for reports" : "deliver with fieldsync push"
                printOut("staged 已生成  scores of \(staged.period), sequence \(staged.sequence) (\(next))\n")
            }
        } catch {
            fail("the files are stored, but their scores could not be staged for delivery (the daemon or fieldsync push will): \(describe(error))")
        }
        try? instance.store.close()
    }
}
