import FieldsyncCentral
import FieldsyncTesting
import Foundation
import XCTest

/// Reading the token file and checking `Authorization` headers.
final class BearerTokensTests: CentralTestCase {
    func testTokenFileIsTrimmedAndSkipsCommentsAndBlankLines() throws {
        let path = directory.appendingPathComponent("tokens").path
        try "# ningde\n  tok-one  \r\n\n\ttok-two\n".write(toFile: path, atomically: false, encoding: .utf8)
        XCTAssertEqual(try BearerTokens.read(fromFile: path), BearerTokens(["tok-one", "tok-two"]))
    }

    func testEmptyOrMissingTokenFileIsAnError() throws {
        let path = directory.appendingPathComponent("empty").path
        try "\n# nothing\n".write(toFile: path, atomically: false, encoding: .utf8)
        XCTAssertThrowsError(try BearerTokens.read(fromFile: path))
        XCTAssertThrowsError(try BearerTokens.read(fromFile: directory.appendingPathComponent("missing").path))
    }

    func testAuthorizationHeader() {
        let tokens = BearerTokens(["abc"])
        XCTAssertTrue(tokens.accepts(authorization: "Bearer abc"))
        XCTAssertTrue(tokens.accepts(authorization: "bearer abc"))
        XCTAssertFalse(tokens.accepts(authorization: "Basic abc"))
        XCTAssertFalse(tokens.accepts(authorization: "Bearer abcd"))
        XCTAssertFalse(tokens.accepts(authorization: "Bearer"))
        XCTAssertFalse(tokens.accepts(authorization: nil))
        XCTAssertTrue(BearerTokens().accepts(authorization: nil))
    }
}
