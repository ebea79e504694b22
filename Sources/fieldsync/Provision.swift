import ArgumentParser
import FieldsyncConfig
import FieldsyncSystem
import Foundation

/// `fieldsync provision`: the sysusers.d or tmpfiles.d lines of the config's sources
/// (``Provisioning``), for the operator to install beside the package's own.
struct Provision: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the sysusers.d or tmpfiles.d lines of the config's drop sources: a group and a drop directory each.",
        discussion: """
            The package creates only the daemon's user and the spool roots; each office's sources are its own:
              fieldsync provision --config /etc/fieldsync/fieldsync.toml --kind sysusers -o /etc/sysusers.d/fieldsync-sources.conf
              fieldsync provision --config /etc/fieldsync/fieldsync.toml --kind tmpfiles -o /etc/tmpfiles.d/fieldsync-sources.conf
              systemd-sysusers && systemd-tmpfiles --create
            Run it again after adding a source.
            """
    )

    enum Kind: String, ExpressibleByArgument, CaseIterable { case sysusers, tmpfiles }

    @OptionGroup var options: ConfigOption

    @Option(help: "Which lines: sysusers or tmpfiles.")
    var kind: Kind

    @Option(name: [.short, .long], help: ArgumentHelp(
        "Write them to this file (its directory made if missing; replaced whole, never left half-written); default: stdout.",
        valueName: "file"))
    var output: String?

    func run() async throws {
        // The schemes only name the units in comments: provisioning comes before they
        // are in place, so a config whose schemes cannot be read yet still provisions.
        let config: Config
        var unitNames: [String: String] = [:]
        if let setup = try? Setup.load(config: options.config) {
            config = setup.config
            for scheme in setup.schemes.values { for unit in scheme.units { unitNames[unit.code] = unit.name } }
        } else {
            do {
                config = try Config.load(options.config)
            } catch {
                fail("configuration error: \(error)")
            }
        }
        let text: String
        do {
            switch kind {
            case .sysusers: text = try Provisioning.sysusers(config, unitNames: unitNames)
            case .tmpfiles: text = try Provisioning.tmpfiles(config, unitNames: unitNames)
            }
        } catch {
            fail("\(config.file): \(error)")
        }
        guard let output else { return printOut(text) }
        do {
            let directory = (output as NSString).deletingLastPathComponent
            try FileManager.default.createDirectory(atPath: directory.isEmpty ? "." : directory, withIntermediateDirectories: true)
            // Atomically and with its mode from the start, as the daemon writes its files.
            try DirectoryHandle.writeFile(atPath: output, contents: Array(text.utf8), permissions: 0o644)
        } catch {
            fail("cannot write \(output): \(error)")
        }
    }
}
