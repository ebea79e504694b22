import ArgumentParser
import FieldsyncConfig
import FieldsyncDaemon
import FieldsyncStore
import FieldsyncSystem
import Foundation

/// The option every command shares.
struct ConfigOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Path of fieldsync.toml.", valueName: "file"))
    var config: String

    /// Loads config and schemes, or ends the command with one clear sentence.
    func loadSetup() throws -> Setup {
        do {
            return try Setup.load(config: config)
        } catch {
            fail("configuration error: \(error)")
        }
    }
}
