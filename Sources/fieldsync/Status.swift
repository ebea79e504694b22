import ArgumentParser
import FieldsyncDaemon
import Foundation

struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show files accepted, rejected and waiting per source, records in force, and the push outbox."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @OptionGroup var options: ConfigOption

    @Option(help: "Output format: text or json.")
    var format: Format = .text

    func run() async throws {
        let setup = try options.loadSetup()
        let instance = openInstance(setup)
        let report: StatusReport
        do {
            report = try StatusReport.gather(config: setup.config, store: instance.store, zone: setup.officeTimeZone)
        } catch {
            fail("cannot read the store: \(error)")
        }
        switch format {
        case .text: printOut(report.text)
        case .json: printOut(report.json.rendered(pretty: true) + "\n")
        }
    }
}
