import ArgumentParser
import FieldsyncCentral
import Foundation
import Logging
import PostgresNIO

/// `fieldsync-central`: runs the reference central receiver of fieldsync score pushes.
@main
struct FieldsyncCentralCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fieldsync-central",
        abstract: "Receive fieldsync scores documents from offices and show the city scoreboard.",
        discussion: """
            Offices' fieldsync daemons push their scores to
              POST http://HOST:PORT/api/fieldsync/v1/scores
            Point their [push] url there (behind an HTTPS reverse proxy in production).
            Every document is kept in the SQLite database; open http://HOST:PORT/ in a
            browser for the scoreboard (评分计分板), or read one office's latest document at
              GET /api/fieldsync/v1/offices/OFFICE/periods/PERIOD
            GET /healthz answers 200 while the database is usable.

            Tokens: one line per token in the token file, OFFICE TOKEN (the office the
            token may push for, then the token, at least 16 characters); blank lines and
            lines starting with # are ignored. Give each office its token as its push
            token_file. A token pushing for another office gets 403. Without --token-file
            every push is accepted (test benches only). Tokens are never logged: a
            fingerprint (16 hex digits of their SHA-256) stands for them.

            Limits: a request must be wholly received within --request-deadline seconds
            of its start; at most --max-connections connections are held; at most
            --concurrent-pushes pushes are read and checked at once (the others wait
            their turn, their bytes in the kernel); a document of more than --max-units units or
            --max-body-size bytes gets 413; an office may have documents for at most
            --max-periods periods (one more gets 422).

            When ready it prints one line, "listening on http://HOST:PORT", to stdout;
            logs go to stderr. SIGTERM or Ctrl-C stops it cleanly (exit status 0).

            Example:
              fieldsync-central --host 127.0.0.1 --port 8080 \\
                  --database /var/lib/fieldsync-central/central.sqlite \\
                  --token-file /etc/fieldsync-central/tokens
            """)

    @Option(help: "Address to listen on (0.0.0.0 for all interfaces).")
    var host = "127.0.0.1"

    @Option(help: "TCP port to listen on; 0 picks a free one and prints it.")
    var port = 8080

    @Option(help: "Where received documents are kept: an SQLite file (created if missing), or postgres://USER@HOST[:PORT]/DB (several receivers may share one; password from --database-password-file or PGPASSWORD; ?sslmode=require for TLS).")
    var database: String

    @Option(help: "File whose first line is the PostgreSQL password (not in the URL, not in ps).")
    var databasePasswordFile: String?

    @Option(help: "HTTPS: the server's certificate chain (PEM); with --tls-key.")
    var tlsCert: String?

    @Option(help: "HTTPS: the server's private key (PEM).")
    var tlsKey: String?

    @Option(help: "File of accepted bearer tokens: OFFICE TOKEN per line.")
    var tokenFile: String?

    @Option(help: "Largest push body accepted, in bytes; larger pushes get 413.")
    var maxBodySize = CentralConfiguration.defaultMaxBodySize

    @Option(help: "Most units in one document; more get 413.")
    var maxUnits = CentralConfiguration.defaultMaxUnits

    @Option(help: "Seconds within which a request must be wholly received.")
    var requestDeadline = 10

    @Option(help: "Connections held at once; more are closed as they come.")
    var maxConnections = CentralConfiguration.defaultMaxConnections

    @Option(help: "Periods one office may have documents for; a document for one more gets 422.")
    var maxPeriods = CentralConfiguration.defaultMaxPeriods

    @Option(help: "Pushes read, checked and stored at once; the others wait their turn.")
    var concurrentPushes = CentralConfiguration.defaultConcurrentPushes

    @Option(help: "Log level: trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .info

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535.") }
        guard maxBodySize > 0 else { throw ValidationError("--max-body-size must be positive.") }
        guard maxUnits > 0 else { throw ValidationError("--max-units must be positive.") }
        guard (1...3600).contains(requestDeadline) else { throw ValidationError("--request-deadline must be 1 to 3600 seconds.") }
        guard maxConnections > 0 else { throw ValidationError("--max-connections must be positive.") }
        guard maxPeriods > 0 else { throw ValidationError("--max-periods must be positive.") }
        guard (1...256).contains(concurrentPushes) else { throw ValidationError("--concurrent-pushes must be 1 to 256.") }
    }

    func run() async throws {
        let level = logLevel
        // stdout carries only the "listening on" line; logs go to stderr.
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "fieldsync-central")
        // A CentralConfigurationError prints as "Error: <one sentence>" and exits 1.
        let tokens = try tokenFile.map(BearerTokens.read(fromFile:)) ?? BearerTokens()
        if tokens.acceptsAnyone {
            logger.warning("no --token-file given: accepting pushes from anyone")
        }
        var configuration = CentralConfiguration(
            host: host, port: port, databasePath: database, tokens: tokens, maxBodySize: maxBodySize,
            maxUnits: maxUnits, requestDeadline: .seconds(requestDeadline), maxConnections: maxConnections,
            maxPeriods: maxPeriods, concurrentPushes: concurrentPushes, logger: logger)
        let server: CentralServer
        // A database that cannot be opened, a certificate that cannot be used: one
        // sentence and exit status 2.
        func fail(_ message: String) -> Never {
            FileHandle.standardError.write(Data("fieldsync-central: \(message)\n".utf8))
            Foundation.exit(2)
        }
        switch (tlsCert, tlsKey) {
        case (let cert?, let key?):
            do { configuration.tls = try CentralConfiguration.tls(certificate: cert, key: key) } catch { fail("\(error)") }
        case (nil, nil): break
        default: fail("--tls-cert and --tls-key go together")
        }
        if DatabaseURL.isPostgres(database) {
            let url: DatabaseURL
            do { url = try DatabaseURL(parsing: database, passwordFile: databasePasswordFile) } catch { fail("\(error)") }
            do {
                server = CentralServer(configuration: configuration, store: try await PostgresDocumentStore(url, logger: logger))
            } catch {
                fail("cannot open the database \(url.redacted): \(Self.reason(error))")
            }
        } else {
            do {
                server = try CentralServer(configuration: configuration)
            } catch {
                fail("cannot open the database \(database): \(error)")
            }
        }
        let host = self.host, scheme = configuration.tls == nil ? "http" : "https"
        try await server.run { port in
            FileHandle.standardOutput.write(Data("listening on \(scheme)://\(host):\(port)\n".utf8))
        }
    }
}

extension FieldsyncCentralCommand {
    /// What went wrong with the database, in a sentence: PostgresNIO's errors describe
    /// themselves at length (and hide the server's message unless asked).
    static func reason(_ error: any Error) -> String {
        if let psql = error as? PSQLError {
            if let message = psql.serverInfo?[.message] { return message }
            return "\(psql.code)"
        }
        return String(describing: error).prefix(300).description
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
