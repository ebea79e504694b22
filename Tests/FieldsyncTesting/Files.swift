import FieldsyncSystem
import Foundation
import Glibc

/// A test could not set up what it needs (not what it tests).
package struct TestSetupError: Error, CustomStringConvertible {
    package var description: String
    package init(_ description: String) { self.description = description }
}

/// Writes `bytes` as the file at `path` (created or truncated), plainly: tests write
/// their scratch files this way, not through Foundation's atomic writes, which leave
/// temporary directories behind on Linux.
package func writeFile(_ path: String, _ bytes: [UInt8]) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw SystemCallError("open", subject: path) }
    defer { close(fd) }
    try writeAll(fd, bytes)
}

/// Writes every byte of `bytes` to `fd`.
package func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws {
    try bytes.withUnsafeBytes { buffer in try SystemCall.writeAll(fd, buffer, "test file") }
}

/// The repository root, found from this file's path.
package func repositoryRoot(file: StaticString = #filePath) -> String {
    var url = URL(fileURLWithPath: "\(file)")
    while url.path != "/" {
        url.deleteLastPathComponent()
        if FileManager.default.fileExists(atPath: url.path + "/Package.swift") { return url.path }
    }
    fatalError("no Package.swift above \(file)")
}

/// The directory with the built executables (`fieldsync`, `fieldsync-central`).
package func productsDirectory() -> String {
    for candidate in [Bundle.main.bundleURL.deletingLastPathComponent().path,
                      URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path,
                      Bundle.main.bundleURL.path] {
        if FileManager.default.isExecutableFile(atPath: candidate + "/fieldsync") { return candidate }
    }
    fatalError("cannot find the built fieldsync executable next to the tests")
}

/// Encodes text as GB18030 with glibc's iconv (what Excel on Chinese Windows writes).
package func gb18030(_ text: String) -> [UInt8] {
    let cd = iconv_open("GB18030", "UTF-8")
    precondition(Int(bitPattern: cd) != -1, "iconv cannot encode GB18030 here")
    defer { iconv_close(cd) }
    var input = Array(text.utf8)
    var output = [UInt8](repeating: 0, count: input.count * 2 + 16)
    let produced = input.withUnsafeMutableBufferPointer { inBuf in
        output.withUnsafeMutableBufferPointer { outBuf -> Int in
            var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuf.baseAddress)?.assumingMemoryBound(to: CChar.self)
            var inLeft = inBuf.count
            var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuf.baseAddress)?.assumingMemoryBound(to: CChar.self)
            var outLeft = outBuf.count
            precondition(iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft) != -1, "iconv failed")
            return outBuf.count - outLeft
        }
    }
    return Array(output.prefix(produced))
}

/// Runs the built `fieldsync` binary; returns its exit status (or the signal that
/// ended it), its standard output and its standard error.
package func runFieldsync(_ arguments: [String], fault: String? = nil,
                          environment: [String: String] = [:]) throws -> (status: Int32, output: String, errors: String) {
    var env = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
    env["FIELDSYNC_FAULT"] = fault
    return try runProgram(productsDirectory() + "/fieldsync", arguments, environment: env)
}

/// Runs a program of this machine (by name, through `env`: `python3`, `soffice`, `git`),
/// as ``runFieldsync(_:fault:)`` runs fieldsync.
package func runProgram(_ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
    try runProgram("/usr/bin/env", arguments, environment: ProcessInfo.processInfo.environment)
}

private func runProgram(_ executable: String, _ arguments: [String], environment: [String: String])
    throws -> (status: Int32, output: String, errors: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.environment = environment
    let pipe = Pipe()
    process.standardOutput = pipe
    // stderr into a file: reading two pipes one after the other could block the child.
    let errorsPath = NSTemporaryDirectory() + "fieldsync-stderr-" + UUID().uuidString
    _ = FileManager.default.createFile(atPath: errorsPath, contents: nil)
    defer { unlink(errorsPath) }
    let errorsFile = try FileHandle(forWritingTo: URL(fileURLWithPath: errorsPath))
    process.standardError = errorsFile
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    try errorsFile.close()
    let errors = (try? String(contentsOfFile: errorsPath, encoding: .utf8)) ?? ""
    return (process.terminationStatus, String(decoding: data, as: UTF8.self), errors)
}
