import FieldsyncTesting
import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// The `fieldsync-central` binary's contract with scripts: one "listening on" line on
/// stdout with the real port, and exit status 0 on SIGTERM. Skipped when the binary was
/// not built next to the test bundle.
final class ExecutableTests: CentralTestCase {
    private var executable: URL {
        get throws {
            let buildDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            let binary = buildDirectory.appendingPathComponent("fieldsync-central")
            guard FileManager.default.isExecutableFile(atPath: binary.path) else {
                throw XCTSkip("fieldsync-central not built at \(binary.path)")
            }
            return binary
        }
    }

    func testPrintsListeningLineAndExitsZeroOnSIGTERM() throws {
        let process = Process()
        process.executableURL = try executable
        process.arguments = ["--host", "127.0.0.1", "--port", "0", "--database", databasePath, "--log-level", "error"]
        let stdoutPath = directory.appendingPathComponent("stdout.txt")
        XCTAssertTrue(FileManager.default.createFile(atPath: stdoutPath.path, contents: nil))
        process.standardOutput = try FileHandle(forWritingTo: stdoutPath)
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        var output = ""
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, !output.hasSuffix("\n") {
            Thread.sleep(forTimeInterval: 0.05)
            output = (try? String(contentsOf: stdoutPath, encoding: .utf8)) ?? ""
        }
        let line = output.trimmingCharacters(in: .newlines)
        XCTAssertTrue(line.hasPrefix("listening on http://127.0.0.1:"), line)
        let port = Int(line.split(separator: ":").last ?? "") ?? 0
        XCTAssertGreaterThan(port, 0, "the real port, not 0")

        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .exit)
        XCTAssertEqual(process.terminationStatus, 0)
        let finalOutput = try String(contentsOf: stdoutPath, encoding: .utf8)
        XCTAssertEqual(finalOutput.split(separator: "\n").count, 1, "exactly one line on stdout")
    }
}
