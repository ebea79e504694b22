import ArgumentParser
import FieldsyncConfig
import Foundation

/// `fieldsync provision`: the sysusers.d or tmpfiles.d lines of the config's sources
/// (``Provisioning``), for the operator to install beside the package's own.
struct Provision: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the sysusers.d or tmpfiles.d lines of the config's drop sources: a group and a drop directory each.",
        discussion: """
            The package creates only the daemon's user and the spool roots; each office's sources are its own:
              fieldsync provision --config /etc/fieldsync/fieldsync.toml --kind sysusers > /etc/sysusers.d/fieldsync-sources.conf
              fieldsync provision --config /etc/fieldsync/fieldsync.toml --kind tmpfiles > /etc/tmpfiles.d/fieldsync-sources.conf
              systemd-sysusers && systemd-tmpfiles --create
            Run it again after adding a source.
            """
    )

    enum Kind: String, ExpressibleByArgument, CaseIterable { case sysusers, tmpfiles }

    @OptionGroup var options: ConfigOption

    @Option(help: "Which lines: sysusers or tmpfiles.")
    var kind: Kind

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
        do {
            switch kind {
            case .sysusers: printOut(try Provisioning.sysusers(config, unitNames: unitNames))
            case .tmpfiles: printOut(try Provisioning.tmpfiles(config, unitNames: unitNames))
            }
        } catch {
            fail("\(config.file): \(error)")
        }
    }
}
