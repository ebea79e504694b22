import ArgumentParser
import FieldsyncConfig
import FieldsyncDaemon
import FieldsyncStore
import FieldsyncSystem
import Foundation
import GRDB
import Logging

@main
struct Fieldsync: AsyncParsableCommand {
    static func main() async {
        // First thing: an early SIGHUP (a reload racing the start) must not kill us.
        SignalStream.ignoreHangupAtStartup()
        let level = ProcessInfo.processInfo.environment["FIELDSYNC_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        SystemLogHandler.bootstrap(logLevel: level)
        var command: ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            exit(withError: error)
        }
        do {
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch where exitCode(for: error) == .success || error is ValidationError {
            // `--help` arrives here as an error thrown by the help command's run(), and a
            // usage mistake found in validate(): ArgumentParser prints both as it should.
            exit(withError: error)
        } catch {
            // Whatever a library threw, the operator reads one sentence, never a dump.
            fail(describe(error))
        }
    }

    static let configuration = CommandConfiguration(
        commandName: "fieldsync",
        abstract: "Collects, checks, scores and delivers a civil-air-defence office's performance-evaluation records.",
        discussion: """
            County offices, inspectors and the survey office drop record files (Excel .xlsx, CSV, \
            JSON, JSONL; UTF-8 or GB18030) into watched directories. fieldsync validates them, keeps every \
            revision in a local SQLite store under state_dir, scores every unit and the office \
            (indicators × 70 % + public evaluation × 30 % − deductions), and pushes the scores to \
            the central office.

            Every command takes --config, the path of fieldsync.toml (see /etc/fieldsync/fieldsync.toml).
            Typical use:
              fieldsync check  --config /etc/fieldsync/fieldsync.toml          # is the setup valid?
              fieldsync check  --config … /path/to/file.csv                      # would this file be accepted?
              fieldsync ingest --config …                                        # take every waiting file now
              fieldsync scores --config … --format table                         # the scoreboard
              fieldsync run    --config …                                        # the daemon (systemd)
            """,
        version: gitVersion,
        subcommands: [Check.self, Ingest.self, Scores.self, ReportCommand.self, Template.self, Run.self, Push.self, Status.self, Metrics.self, Provision.self]
    )
}

/// Prints one sentence to stderr and exits non-zero: what an operator sees instead of
/// a stack trace.
func fail(_ message: String, code: Int32 = 2) -> Never {
    FileHandle.standardError.write(Data("fieldsync: \(message)\n".utf8))
    exit(code)
}

/// Opens the store, or ends the command with one clear sentence.
func openStore(_ setup: Setup) -> Store {
    do {
        return try Instance.openStore(directory: setup.config.stateDirectory)
    } catch {
        fail("cannot open the store in \(setup.config.stateDirectory): \(error)")
    }
}

/// The store and the instance of fieldsync over it, or the end of the command with one sentence.
func openInstance(_ setup: Setup) -> Instance {
    Instance(setup: setup, store: openStore(setup), logger: makeLogger())
}

/// A logger at the level `main` gave the log handler (FIELDSYNC_LOG_LEVEL).
func makeLogger() -> Logger {
    Logger(label: "fieldsync")
}

/// An error as one sentence for an operator: a store failure says so without its SQL.
func describe(_ error: any Error) -> String {
    if let error = error as? DatabaseError {
        return "the store (SQLite) failed: \(error.message ?? "error \(error.resultCode.rawValue)")"
    }
    return "\(error)"
}

func printOut(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
}

func printErr(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
}
