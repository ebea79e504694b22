import FieldsyncCentral
import FieldsyncTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import XCTest

/// Shared setup: a fresh SQLite file in a temporary directory per test, and helpers to
/// push documents the way a fieldsync daemon does.
class CentralTestCase: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("fieldsync-central-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    var databasePath: String { directory.appendingPathComponent("central.sqlite").path }

    /// A server whose tokens push for the sample document's office unless said otherwise.
    func makeServer(tokens: [String: String] = ["s3cret-s3cret-s3cret": "ningde-rfb"],
                    maxBodySize: Int = CentralConfiguration.defaultMaxBodySize,
                    maxUnits: Int = CentralConfiguration.defaultMaxUnits) throws
        -> CentralServer
    {
        var logger = Logger(label: "fieldsync-central-tests")
        logger.logLevel = .error  // refusals are expected here; keep the test output readable
        return try CentralServer(
            configuration: CentralConfiguration(
                host: "127.0.0.1", port: 0, databasePath: databasePath, tokens: BearerTokens(tokens),
                maxBodySize: maxBodySize, maxUnits: maxUnits, logger: logger))
    }

    static func pushHeaders(key: String?, token: String? = "s3cret-s3cret-s3cret", contentType: String = "application/json")
        -> HTTPFields
    {
        var headers: HTTPFields = [.contentType: contentType]
        if let token { headers[.authorization] = "Bearer \(token)" }
        if let key { headers[.idempotencyKey] = key }
        return headers
    }

    /// POSTs `body` to the scores endpoint.
    static func push(
        _ client: some TestClientProtocol, _ body: String, key: String?, token: String? = "s3cret-s3cret-s3cret",
        contentType: String = "application/json"
    ) async throws -> TestResponse {
        try await client.execute(
            uri: CentralServer.scoresPath, method: .post,
            headers: pushHeaders(key: key, token: token, contentType: contentType),
            body: ByteBuffer(string: body))
    }

    /// The JSON object of a response body.
    static func json(_ response: TestResponse) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8))
        return try XCTUnwrap(object as? [String: Any])
    }
}
