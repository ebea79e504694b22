import ArgumentParser
import FieldsyncModel
import FieldsyncProtocol
import FieldsyncStore
import Foundation

struct Template: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the fill-in workbook (.xlsx) for a source: a row per thing it reports, everything but the value filled in.",
        discussion: """
            For a county: a row per indicator that applies to its unit; for the inspectors: a spot-check row per \
            unit and indicator; for the survey office: a row per unit. The clerk fills the value (数值) and drops \
            the workbook into the source's directory; a 说明 sheet says how, in Chinese and English.
            """
    )

    @OptionGroup var options: ConfigOption

    @Option(help: ArgumentHelp("The source (drop directory) the workbook is for.", valueName: "name"))
    var source: String

    @Option(help: ArgumentHelp("Period (default: the newest scheme's).", valueName: "period"))
    var period: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("The file to write (default: SOURCE-PERIOD-填报模板.xlsx here).", valueName: "file"))
    var output: String?

    func run() async throws {
        let setup = try options.loadSetup()
        guard let source = setup.config.source(named: self.source) else {
            fail("no source named \"\(self.source)\" in \(setup.config.file); sources: \(setup.config.sources.map(\.name).joined(separator: ", "))")
        }
        guard let period = period ?? setup.newestPeriod, let scheme = setup.schemes[period] else {
            fail("no scheme for period \(period ?? "?"); known: \(setup.schemes.keys.sorted().joined(separator: ", "))")
        }
        let now = Timestamp.now()
        let template = FillInTemplate(source: source, scheme: scheme, day: String(now.local(setup.officeTimeZone).prefix(10)))
        // What is in force already (a store the daemon made): shown, and what a row is based on.
        var inForce: [String: Record] = [:]
        if FileManager.default.fileExists(atPath: Store.databasePath(directory: setup.config.stateDirectory)) {
            let store = openStore(setup)
            do {
                inForce = try await store.writer.read { try Revisions.inForce($0, ids: template.rows.map(\.id)) }
            } catch {
                fail("cannot read the store: \(error)")
            }
        }
        let file = output ?? "\(source.name)-\(period)-填报模板.xlsx"
        do {
            try template.workbook(inForce: inForce, madeAt: now).data().write(to: URL(fileURLWithPath: file))
        } catch {
            fail("cannot write \(file): \(error)")
        }
        printOut("wrote 已生成 \(file) — fill the value column and drop it into \(source.path) 填写“数值”后放入报送目录\n")
    }
}
