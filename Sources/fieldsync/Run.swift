import ArgumentParser
import FieldsyncConfig
import FieldsyncDaemon
import FieldsyncSystem
import Foundation

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the daemon in the foreground: watch the drop directories, take files as they arrive, push scores.",
        discussion: """
            Meant for systemd (Type=notify; see systemd/fieldsync.instance). SIGTERM lets the \
            current file finish and exits 0; SIGHUP reloads the config and schemes (an invalid \
            new config is logged and the old one kept). Logs go to stderr, with journald \
            priorities when started by systemd.
            """
    )

    @OptionGroup var options: ConfigOption

    func run() async throws {
        let daemon: Daemon
        do {
            daemon = try Daemon(configPath: options.config, logger: makeLogger(), version: gitVersion)
        } catch let error as ConfigError {
            fail("configuration error: \(error)")
        } catch {
            fail("cannot start: \(error)")
        }
        let status = await daemon.run()
        if status != 0 { throw ExitCode(status) }
    }
}
