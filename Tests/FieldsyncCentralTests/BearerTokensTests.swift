import FieldsyncCentral
import FieldsyncTesting
import Foundation
import Testing

/// The token file binds each token to one office; headers are read strictly.
@Suite("Bearer tokens")
struct BearerTokensTests {
    let directory = NSTemporaryDirectory() + "fieldsync-tokens-" + UUID().uuidString

    func file(_ text: String) throws -> String {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/tokens"
        try writeFile(path, Array(text.utf8))
        return path
    }

    @Test("OFFICE TOKEN per line; comments, blank lines and surrounding space skipped")
    func readsOfficesAndTokens() throws {
        let path = try file("# ningde\n  ningde-rfb   tok-one-0123456789  \r\n\n\tfuzhou tok-two-0123456789\n")
        #expect(try BearerTokens.read(fromFile: path)
            == BearerTokens(["tok-one-0123456789": "ningde-rfb", "tok-two-0123456789": "fuzhou"]))
    }

    @Test("A file saved on Windows (CRLF) reads line by line")
    func windowsLineEnds() throws {
        let path = try file("ningde-rfb tok-one-0123456789\r\nfuzhou tok-two-0123456789\r\n")
        #expect(try BearerTokens.read(fromFile: path)
            == BearerTokens(["tok-one-0123456789": "ningde-rfb", "tok-two-0123456789": "fuzhou"]))
    }

    @Test("A file that says less than it seems is an error naming the line",
          arguments: [("\n# nothing\n", "holds no token"), ("tok-without-office-012345\n", ":1: each line is OFFICE TOKEN"),
                      ("ningde-rfb short\n", "shorter than 16"), ("宁德 tok-one-0123456789\n", "not an office code"),
                      ("a tok-one-0123456789\nb tok-one-0123456789\n", ":2: one token for two offices")])
    func refuses(text: String, says: String) throws {
        let path = try file(text)
        let error = #expect(throws: (any Error).self) { try BearerTokens.read(fromFile: path) }
        #expect("\(error.map { "\($0)" } ?? "")".contains(says), "\(String(describing: error))")
    }

    @Test("A header is worth its token's office")
    func verdicts() {
        let tokens = BearerTokens(["abc-0123456789abcdef": "ningde-rfb"])
        #expect(tokens.verdict(authorization: "Bearer abc-0123456789abcdef") == .office("ningde-rfb"))
        #expect(tokens.verdict(authorization: "bearer abc-0123456789abcdef") == .office("ningde-rfb"))
        for header in ["Basic abc-0123456789abcdef", "Bearer abc-0123456789abcdeF", "Bearer", "Bearer abc"] {
            #expect(tokens.verdict(authorization: header) == .unknown, "\(header)")
        }
        #expect(tokens.verdict(authorization: nil) == .unknown)
        #expect(BearerTokens().verdict(authorization: nil) == .office(nil))
    }

    @Test("A fingerprint stands for a token, never the token itself")
    func fingerprint() throws {
        let print = try #require(BearerTokens.fingerprint(of: "Bearer abc-0123456789abcdef"))
        #expect(print.count == 16 && !print.contains("abc"))
        #expect(BearerTokens.fingerprint(of: "Bearer abc-0123456789abcdef") == print)
        #expect(BearerTokens.fingerprint(of: "Bearer abc-0123456789abcdeg") != print)
    }
}
