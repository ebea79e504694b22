import FieldsyncCentral
import FieldsyncTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// The storage engines central runs on: SQLite for a city, PostgreSQL for a province.
/// Every test of central's behaviour takes one as its argument (`arguments:
/// CentralEngine.allCases`) and so runs on both: what a daemon sees must not depend on
/// the engine behind the receiver.
///
/// A database is named by a location, as `fieldsync-central --database` names it: a file
/// path for SQLite (in a directory of its own, removed when the test process exits), a
/// `postgres://` URL for PostgreSQL (a fresh database on the process's throw-away
/// cluster, ``PostgresServer``).
enum CentralEngine: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres

    var testDescription: String { rawValue }

    /// A new, empty database; its location. PostgreSQL's is made with psql (and the
    /// cluster started on first use), off the cooperative pool.
    func makeDatabase() async throws -> String {
        switch self {
        case .sqlite: try Self.scratchDirectory() + "/central.sqlite"
        case .postgres: try await offPool { try PostgresServer.shared().makeDatabase() }
        }
    }

    /// Opens the database at `location` (made by ``makeDatabase()``), as a receiver
    /// starting on it would: a second store on one database is a second receiver.
    func open(_ location: String, logLevel: Logger.Level = .error) async throws -> any DocumentStorage {
        switch self {
        case .sqlite:
            return try DocumentStore(path: location)
        case .postgres:
            var logger = Logger(label: "fieldsync-central-tests")
            logger.logLevel = logLevel
            return try await PostgresDocumentStore(DatabaseURL(parsing: location), logger: logger)
        }
    }

    /// A store on a new, empty database.
    func makeStorage() async throws -> any DocumentStorage {
        try await open(try await makeDatabase())
    }

    /// A server on a new, empty database (or on `database`, to open one again), whose
    /// tokens push for the sample document's office unless said otherwise. Its
    /// configuration's `databasePath` is the database's location.
    func makeServer(tokens: [String: String] = [sampleToken: "ningde-rfb"],
                    maxBodySize: Int = CentralConfiguration.defaultMaxBodySize,
                    maxUnits: Int = CentralConfiguration.defaultMaxUnits,
                    requestDeadline: Duration = CentralConfiguration.defaultRequestDeadline,
                    maxConnections: Int = CentralConfiguration.defaultMaxConnections,
                    maxPeriods: Int = CentralConfiguration.defaultMaxPeriods,
                    logLevel: Logger.Level = .error,
                    database: String? = nil) async throws -> CentralServer {
        var logger = Logger(label: "fieldsync-central-tests")
        logger.logLevel = logLevel  // refusals are expected here; keep the test output readable
        let location: String
        if let database { location = database } else { location = try await makeDatabase() }
        let configuration = CentralConfiguration(
            host: "127.0.0.1", port: 0, databasePath: location, tokens: BearerTokens(tokens), maxBodySize: maxBodySize,
            maxUnits: maxUnits, requestDeadline: requestDeadline, maxConnections: maxConnections, maxPeriods: maxPeriods,
            logger: logger)
        return CentralServer(configuration: configuration, store: try await open(location, logLevel: logLevel))
    }

    /// A new directory under this process's scratch directory.
    static func scratchDirectory() throws -> String {
        let directory = scratch + "/" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    /// Where this process's SQLite databases go; removed when it exits.
    private static let scratch: String = {
        let directory = NSTemporaryDirectory() + "fieldsync-central-tests-\(UUID().uuidString.prefix(8))"
        atexit { try? FileManager.default.removeItem(atPath: CentralEngine.scratch) }
        return directory
    }()
}

/// The token a server from `CentralEngine.makeServer` takes, unless told otherwise, for
/// the sample document's office.
let sampleToken = "s3cret-s3cret-s3cret"

/// POSTs `body` to the scores endpoint the way a fieldsync daemon does; a nil `key` or
/// `token` leaves that header out.
func push(_ client: some TestClientProtocol, _ body: String, key: String?, token: String? = sampleToken,
          contentType: String = "application/json") async throws -> TestResponse {
    var headers: HTTPFields = [.contentType: contentType]
    if let token { headers[.authorization] = "Bearer \(token)" }
    if let key { headers[.idempotencyKey] = key }
    return try await client.execute(uri: CentralServer.scoresPath, method: .post, headers: headers, body: ByteBuffer(string: body))
}

/// POSTs `document` under its own key.
func push(_ client: some TestClientProtocol, _ document: SampleDocument, token: String = sampleToken) async throws -> TestResponse {
    try await push(client, document.json, key: document.key, token: token)
}

/// The JSON object of a response body.
func jsonObject(_ response: TestResponse) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8))
    return try #require(object as? [String: Any])
}

/// Runs blocking calls (sockets, child processes) on a thread of their own: the
/// cooperative pool (two threads on two cores) also runs the servers' handlers and the
/// other tests, and must not wait on them.
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}
