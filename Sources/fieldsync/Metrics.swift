import ArgumentParser
import FieldsyncDaemon
import Foundation

/// `fieldsync metrics`: what the daemon writes to its metrics textfile, printed now —
/// read from the store, so it is the same whether the daemon runs or not.
struct Metrics: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the daemon's metrics (Prometheus text format), read from the store and the drop directories."
    )

    @OptionGroup var options: ConfigOption

    func run() async throws {
        let setup = try options.loadSetup()
        let instance = openInstance(setup)
        do {
            printOut(try MetricsSnapshot.gather(setup: setup, store: instance.store, version: gitVersion).text)
        } catch {
            fail("cannot read the store: \(error)")
        }
    }
}
