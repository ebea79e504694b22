import FieldsyncProtocol
import Logging
import NIOSSL

/// Everything a ``CentralServer`` needs to run: where to listen, where to keep the
/// documents, whom to accept pushes from and how big a push may be.
public struct CentralConfiguration: Sendable {
    /// Address to listen on, e.g. `127.0.0.1` or `0.0.0.0`.
    public var host: String
    /// TCP port; 0 lets the system choose (the chosen port is passed to `onListening`).
    public var port: Int
    /// Path of the SQLite database file, created if missing.
    public var databasePath: String
    /// Accepted bearer tokens; empty accepts any push.
    public var tokens: BearerTokens
    /// Largest request body accepted; bigger pushes answer 413.
    public var maxBodySize: Int
    /// Most units one document may hold; more answer 413.
    public var maxUnits: Int
    /// A request not wholly received this long after it began is cut off.
    public var requestDeadline: Duration
    /// Connections held at once; more are closed as they come.
    public var maxConnections: Int
    /// Periods one office may have documents for; a document for one more answers 422.
    public var maxPeriods: Int
    /// Pushes read, checked and stored at once (``PushGate``); the others wait their
    /// turn. More than one lets a push's checks run while another waits on the
    /// database; central's memory for pushes stays at most this × `maxBodySize` (and
    /// the parsed forms).
    public var concurrentPushes: Int
    /// HTTPS with this server certificate and key (``tls(certificate:key:)``); nil: plain
    /// HTTP (behind a TLS proxy, or on loopback).
    public var tls: TLSConfiguration?

    /// The TLS configuration of a PEM certificate chain and key, checked now: a file
    /// that cannot be read or a key that does not fit is an error at start-up.
    public static func tls(certificate: String, key: String) throws -> TLSConfiguration {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificate)
        } catch {
            throw CentralConfigurationError("cannot read the TLS certificate \(certificate): \(error)")
        }
        let privateKey: NIOSSLPrivateKey
        do {
            privateKey = try NIOSSLPrivateKey(file: key, format: .pem)
        } catch {
            throw CentralConfigurationError("cannot read the TLS key \(key): \(error)")
        }
        let configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) },
                                                                     privateKey: .privateKey(privateKey))
        do {
            _ = try NIOSSLContext(configuration: configuration)
        } catch {
            throw CentralConfigurationError("cannot use the TLS key \(key) with \(certificate): \(error)")
        }
        return configuration
    }
    /// Where the server logs (requests refused, documents stored).
    public var logger: Logger

    /// 16 MiB: a city's scores document is a few hundred KiB at most.
    public static let defaultMaxBodySize = 16 * 1024 * 1024
    public static let defaultMaxUnits = Limits.units
    public static let defaultRequestDeadline: Duration = .seconds(10)
    public static let defaultMaxConnections = 512
    /// An office scores one period a year: a century of them.
    public static let defaultMaxPeriods = 100
    /// Enough to keep two cores and a database busy (bench/central-load.sh).
    public static let defaultConcurrentPushes = 4

    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        databasePath: String,
        tokens: BearerTokens = BearerTokens(),
        maxBodySize: Int = CentralConfiguration.defaultMaxBodySize,
        maxUnits: Int = CentralConfiguration.defaultMaxUnits,
        requestDeadline: Duration = CentralConfiguration.defaultRequestDeadline,
        maxConnections: Int = CentralConfiguration.defaultMaxConnections,
        maxPeriods: Int = CentralConfiguration.defaultMaxPeriods,
        concurrentPushes: Int = CentralConfiguration.defaultConcurrentPushes,
        logger: Logger = Logger(label: "fieldsync-central")
    ) {
        self.host = host
        self.port = port
        self.databasePath = databasePath
        self.tokens = tokens
        self.maxBodySize = maxBodySize
        self.maxUnits = maxUnits
        self.requestDeadline = requestDeadline
        self.maxConnections = maxConnections
        self.maxPeriods = maxPeriods
        self.concurrentPushes = concurrentPushes
        self.logger = logger
    }
}
