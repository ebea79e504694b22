import ArgumentParser
import FieldsyncModel
import FieldsyncProtocol
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
        let day = String(Timestamp.now().local(setup.officeTimeZone).prefix(10))
        let file = output ?? "\(source.name)-\(period)-填报模板.xlsx"
        do {
            try FillInTemplate.workbook(source: source, scheme: scheme, day: day).data().write(to: URL(fileURLWithPath: file))
        } catch {
            fail("cannot write \(file): \(error)")
        }
        printOut("wrote 已生成 \(file) — fill the value column and drop it into \(source.path) 填写“数值”后放入报送目录\n")
    }
}
