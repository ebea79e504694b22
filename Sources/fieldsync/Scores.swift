import ArgumentParser
import FieldsyncDelivery
import FieldsyncScoring

struct Scores: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the scoreboard of a period: every unit and the office overall.",
        discussion: "table is for people (Chinese and English); json is the scores document that is pushed (SPEC §6); csv opens in Excel (UTF-8 with BOM)."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json, csv }

    @OptionGroup var options: ConfigOption

    @Option(help: ArgumentHelp("Period to score (default: the newest scheme's).", valueName: "period"))
    var period: String?

    @Option(help: "Output format: table, json or csv.")
    var format: Format = .table

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
        switch format {
        case .table: printOut(ScoreTable.table(snapshot.scoreboard))
        case .csv: printOut(ScoreTable.csv(snapshot.scoreboard))
        case .json: printOut(snapshot.document.rendered(pretty: true) + "\n")
        }
    }
}
