import FieldsyncTesting
import Foundation
import Testing

/// What an operator sees at the terminal: help where help is asked for, a usage line
/// for a mistake in the command, and one sentence — never a dump — for anything else.
@Suite("The command line")
struct CommandLineTests {
    @Test("Help is printed, and the command succeeds", arguments: [
        (["--help"], "OVERVIEW:"),
        (["help"], "OVERVIEW:"),
        (["check", "--help"], "USAGE: fieldsync check"),
        (["help", "scores"], "USAGE: fieldsync scores"),
    ])
    func help(arguments: [String], says: String) throws {
        let run = try runFieldsync(arguments)
        #expect(run.status == 0, "\(run.errors)")
        #expect(run.output.contains(says), "\(run.output)")
        #expect(!run.errors.contains("CommandError"))
    }

    @Test("--version names the commit the binary was built from, as git describes it")
    func version() throws {
        let run = try runFieldsync(["--version"])
        #expect(run.status == 0, "\(run.errors)")
        let described = try runProgram(["git", "-C", repositoryRoot(), "describe", "--always", "--dirty", "--tags"]).output
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!described.isEmpty)
        #expect(run.output.trimmingCharacters(in: .whitespacesAndNewlines) == described)
    }

    @Test("A mistake in the command gets the usage, and fails")
    func usage() throws {
        let run = try runFieldsync(["scores", "--config", "/nonexistent/fieldsync.toml", "--bogus"])
        #expect(run.status != 0)
        #expect(run.errors.contains("Unknown option '--bogus'"), "\(run.errors)")
        #expect(run.errors.contains("Usage: fieldsync scores"), "\(run.errors)")
    }

    @Test("A config that is not there is one sentence naming it")
    func missingConfig() throws {
        let run = try runFieldsync(["check", "--config", "/nonexistent/fieldsync.toml"])
        #expect(run.status != 0)
        #expect(run.errors.contains("/nonexistent/fieldsync.toml"), "\(run.errors)")
        #expect(run.errors.split(separator: "\n").count == 1, "\(run.errors)")
    }
}
