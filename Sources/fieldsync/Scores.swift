import ArgumentParser
import FieldsyncDelivery
import FieldsyncScoring
import Foundation

struct Scores: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the scoreboard of a period: every unit and the office overall.",
        discussion: "table is for people (Chinese and English); json is the scores document that is pushed (SPEC §6); csv opens in Excel (UTF-8 with BOM); xlsx is a workbook (a 总表 sheet and one sheet per unit), written to -o FILE."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json, csv, xlsx }

    @OptionGroup var options: ConfigOption

    @Option(help: ArgumentHelp("Period to score (default: the newest scheme's).", valueName: "period"))
    var period: String?

    @Option(help: "Output format: table, json, csv or xlsx.")
    var format: Format = .table

    @Option(name: .shortAndLong, help: ArgumentHelp("Write to this file (required for xlsx).", valueName: "file"))
    var output: String?

    @Option(help: ArgumentHelp("One unit, indicator by indicator (its code or its name, e.g. shouning or 寿宁县); a table.", valueName: "unit"))
    var unit: String?

    func run() async throws {
        let setup = try options.loadSetup()
        guard let period = period ?? setup.newestPeriod, let scheme = setup.schemes[period] else {
            fail("no scheme for period \(period ?? "?"); known: \(setup.schemes.keys.sorted().joined(separator: ", "))")
        }
        let store = openStore(setup)
        let snapshot: ScoresSnapshot
        do {
            snapshot = try Outbox.snapshot(store: store, office: setup.config.office, scheme: scheme)
        } catch {
            fail("cannot read the store: \(error)")
        }
        if let unit {
            let code = scheme.units.first { $0.code == unit || $0.name == unit }?.code ?? unit
            guard let table = UnitTable.table(snapshot.scoreboard, unit: code) else {
                fail("no unit \(unit) in the \(period) scheme; its units: \(scheme.units.map { "\($0.code) \($0.name)" }.joined(separator: ", "))")
            }
            printOut(table)
            return
        }
        let text: String
        switch format {
        case .table: text = ScoreTable.table(snapshot.scoreboard)
        case .csv: text = ScoreTable.csv(snapshot.scoreboard)
        case .json: text = snapshot.document.rendered(pretty: true) + "\n"
        case .xlsx:
            guard let output else { fail("--format xlsx writes a workbook: name the file with -o, e.g. -o scores-\(period).xlsx") }
            do {
                try ScoresWorkbook.workbook(snapshot.scoreboard).data().write(to: URL(fileURLWithPath: output))
            } catch {
                fail("cannot write \(output): \(error)")
            }
            printOut("wrote 已生成 \(output)\n")
            return
        }
        if let output {
            do { try Data(text.utf8).write(to: URL(fileURLWithPath: output)) } catch { fail("cannot write \(output): \(error)") }
        } else {
            printOut(text)
        }
    }
}
