import FieldsyncTesting
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The `fieldsync-central` binary's contract with scripts: one "listening on" line on
/// stdout with the real port, and exit status 0 on SIGTERM — with an SQLite file or a
/// PostgreSQL URL as its `--database`. Skipped when the binary was not built next to the
/// test bundle.
@Suite("The fieldsync-central binary")
struct ExecutableTests {
    static let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("fieldsync-central")

    @Test("It prints one line, listening on the real port, and exits 0 on SIGTERM",
          .enabled(if: FileManager.default.isExecutableFile(atPath: executable.path), "fieldsync-central is built next to the tests"),
          arguments: CentralEngine.allCases)
    func printsListeningLineAndExitsZeroOnSIGTERM(engine: CentralEngine) async throws {
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = ["--host", "127.0.0.1", "--port", "0", "--database", try await engine.makeDatabase(), "--log-level", "error"]
        let stdoutPath = URL(fileURLWithPath: try CentralEngine.scratchDirectory() + "/stdout.txt")
        #expect(FileManager.default.createFile(atPath: stdoutPath.path, contents: nil))
        process.standardOutput = try FileHandle(forWritingTo: stdoutPath)
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        var output = ""
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, !output.hasSuffix("\n") {
            try await Task.sleep(for: .milliseconds(50))
            output = (try? String(contentsOf: stdoutPath, encoding: .utf8)) ?? ""
        }
        let line = output.trimmingCharacters(in: .newlines)
        #expect(line.hasPrefix("listening on http://127.0.0.1:"), "\(line)")
        let port = Int(line.split(separator: ":").last ?? "") ?? 0
        #expect(port > 0, "the real port, not 0")

        kill(process.processIdentifier, SIGTERM)
        try await offPool { process.waitUntilExit() }
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
        let finalOutput = try String(contentsOf: stdoutPath, encoding: .utf8)
        #expect(finalOutput.split(separator: "\n").count == 1, "exactly one line on stdout")
    }
}
