import Foundation
import NIOSSL
import PostgresNIO

/// Where a PostgreSQL-backed central keeps its documents, as an operator writes it:
/// `postgres://USER@HOST[:PORT]/DB` (or `postgresql://`), with what libpq users expect —
/// the password from the URL, a password file or `PGPASSWORD`; a missing user, host,
/// port or database from `PGUSER`, `PGHOST`, `PGPORT`, `PGDATABASE`; a unix socket as a
/// host that is a directory (`?host=/run/postgresql`); TLS by `sslmode` (`disable`,
/// `prefer`, `require`, `verify-full`; default `prefer`, never over a unix socket).
public struct DatabaseURL: Sendable, Equatable {
    public enum TLSMode: String, Sendable {
        case disable, prefer, require
        /// `require` with the server's certificate verified against the system's roots.
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    public var tls: TLSMode

    /// Whether `text` names PostgreSQL rather than an SQLite file.
    public static func isPostgres(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    public init(parsing text: String, passwordFile: String? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard Self.isPostgres(text), let url = URLComponents(string: text) else {
            throw CentralConfigurationError("--database \(text) is not a postgres:// URL")
        }
        let query = Dictionary((url.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
        func nonEmpty(_ s: String?) -> String? { s.flatMap { $0.isEmpty ? nil : $0 } }
        user = nonEmpty(url.percentEncodedUser?.removingPercentEncoding) ?? nonEmpty(query["user"]) ?? nonEmpty(environment["PGUSER"])
            ?? nonEmpty(environment["USER"]) ?? "postgres"
        host = nonEmpty(url.host.map { $0.removingPercentEncoding ?? $0 }) ?? nonEmpty(query["host"]) ?? nonEmpty(environment["PGHOST"])
            ?? "localhost"
        if let given = url.port ?? query["port"].flatMap(Int.init) ?? environment["PGPORT"].flatMap(Int.init) {
            guard (1 ... 65535).contains(given) else { throw CentralConfigurationError("--database: port \(given) is out of range") }
            port = given
        } else {
            port = 5432
        }
        let path = String(url.path.drop { $0 == "/" })
        database = nonEmpty(path.removingPercentEncoding) ?? nonEmpty(query["dbname"]) ?? nonEmpty(environment["PGDATABASE"]) ?? user
        if let secret = nonEmpty(url.percentEncodedPassword?.removingPercentEncoding) {
            password = secret
        } else if let passwordFile {
            guard let data = FileManager.default.contents(atPath: passwordFile),
                  let line = String(data: data, encoding: .utf8)?.split(whereSeparator: \.isNewline).first else {
                throw CentralConfigurationError("cannot read --database-password-file \(passwordFile)")
            }
            password = String(line)
        } else {
            password = nonEmpty(environment["PGPASSWORD"])
        }
        let mode = nonEmpty(query["sslmode"]) ?? nonEmpty(environment["PGSSLMODE"]) ?? "prefer"
        guard let tls = TLSMode(rawValue: mode) else {
            throw CentralConfigurationError("--database: sslmode must be disable, prefer, require or verify-full, not \(mode)")
        }
        self.tls = tls
    }

    /// A host that is a directory is where the server's unix socket is.
    public var socketPath: String? { host.hasPrefix("/") ? "\(host)/.s.PGSQL.\(port)" : nil }

    /// The URL without its password, for logs and errors.
    public var redacted: String { "postgres://\(user)@\(socketPath ?? "\(host):\(port)")/\(database)" }

    /// What `sslmode` asks of TLS: nil for none; else the client's TLS settings (the
    /// server's certificate verified only for `verify-full`) and whether TLS is required
    /// (`prefer` falls back to plain). Decided once for the pool and the first connection.
    private var tlsChoice: (configuration: TLSConfiguration, required: Bool)? {
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch tls {
        case .disable: return nil
        case .prefer, .require:
            configuration.certificateVerification = .none
            return (configuration, tls == .require)
        case .verifyFull: return (configuration, true)
        }
    }

    /// One connection's configuration: the receiver's first, which migrates the schema
    /// and so tells at once what is wrong with the URL (the pool would keep retrying).
    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        if let socketPath {
            return PostgresConnection.Configuration(unixSocketPath: socketPath, username: user, password: password, database: database)
        }
        var tls = PostgresConnection.Configuration.TLS.disable
        if let choice = tlsChoice {
            let context = try NIOSSLContext(configuration: choice.configuration)
            tls = choice.required ? .require(context) : .prefer(context)
        }
        return PostgresConnection.Configuration(host: host, port: port, username: user, password: password, database: database, tls: tls)
    }

    /// The pool's configuration.
    func clientConfiguration() -> PostgresClient.Configuration {
        if let socketPath {
            return PostgresClient.Configuration(unixSocketPath: socketPath, username: user, password: password, database: database)
        }
        let tls = tlsChoice.map { $0.required ? .require($0.configuration) : .prefer($0.configuration) } ?? PostgresClient.Configuration.TLS.disable
        return PostgresClient.Configuration(host: host, port: port, username: user, password: password, database: database, tls: tls)
    }
}
