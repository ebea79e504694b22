import Foundation
import Synchronization

/// A throw-away PostgreSQL cluster for the tests (Debian's `postgresql`): made with
/// `initdb` in a temporary directory, started with `pg_ctl` on a unix socket there (no
/// TCP port), as an unprivileged uid when the tests run as root (PostgreSQL refuses
/// root; CI runs as root), and stopped when the test process exits. One per process,
/// started on first use; each test takes a database of its own.
package final class PostgresServer: Sendable {
    /// Where the cluster and its socket live.
    package let directory: String
    package static let binaries = "/usr/lib/postgresql/15/bin"

    private static let started = Mutex<Result<PostgresServer, TestSetupError>?>(nil)

    /// The process's cluster, started on first use.
    package static func shared() throws -> PostgresServer {
        let result = started.withLock { started -> Result<PostgresServer, TestSetupError> in
            if let started { return started }
            let made = Result { () throws(TestSetupError) -> PostgresServer in try PostgresServer() }
            started = made
            return made
        }
        return try result.get()
    }

    /// A cluster of its own, for a test that stops and starts it; stopped at exit too.
    package static func dedicated() throws -> PostgresServer { try PostgresServer() }

    /// Stops the server (fast shutdown: connections are cut, as when a database goes away).
    package func stop() throws {
        try run(["pg_ctl", "-D", directory + "/data", "-m", "fast", "-w", "stop"], detached: true)
    }

    /// Starts the server again.
    package func start() throws {
        try run(["pg_ctl", "-D", directory + "/data", "-l", directory + "/log", "-w", "-o",
                 "-k \(directory) -c listen_addresses='' -c fsync=off -c max_connections=200", "start"], detached: true)
    }

    private init() throws(TestSetupError) {
        guard FileManager.default.isExecutableFile(atPath: Self.binaries + "/initdb") else {
            throw TestSetupError("PostgreSQL is not installed (apt-get install postgresql)")
        }
        directory = NSTemporaryDirectory() + "fieldsync-pg-\(UUID().uuidString.prefix(8))"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            if getuid() == 0 {
                // nobody: PostgreSQL will not run as root.
                guard chown(directory, 65534, 65534) == 0 else { throw TestSetupError("cannot hand \(directory) to nobody") }
            }
            try run(["initdb", "-D", directory + "/data", "-A", "trust", "-U", "fieldsync", "-E", "UTF8", "--no-sync"])
            try start()
        } catch let error as TestSetupError {
            throw error
        } catch {
            throw TestSetupError("cannot start PostgreSQL: \(error)")
        }
        Self.stopAtExit(directory)
    }

    /// A program of PostgreSQL's, as the cluster's owner.
    private func run(_ arguments: [String], detached: Bool = false) throws {
        var command = [Self.binaries + "/" + arguments[0]] + arguments.dropFirst()
        if getuid() == 0 { command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + command }
        if detached {
            // The server pg_ctl leaves running inherits what pg_ctl has open. Foundation's
            // Process would not see pg_ctl end (its child keeps the socket Process watches
            // for the end); system(3) hands it every descriptor of this process that is not
            // close-on-exec — another test's pipe, whose reader then waits for as long as
            // the cluster runs (seen: `fieldsync status` hanging). So system(3), output to
            // a file, and the program started by a python3 that closes everything above
            // standard error first.
            let closing = ["python3", "-c", "import os, sys; os.closerange(3, os.sysconf('SC_OPEN_MAX')); os.execvp(sys.argv[1], sys.argv[1:])"]
            let quoted = (closing + command).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
            let status = system(quoted + " >>'\(directory)/pg_ctl.out' 2>&1 </dev/null")
            guard status == 0 else { throw TestSetupError("\(arguments[0]) failed (\(status)); see \(directory)/pg_ctl.out") }
            return
        }
        let result = try runProgram(command)
        guard result.status == 0 else { throw TestSetupError("\(arguments[0]) failed: \(result.errors) \(result.output)") }
    }

    /// A new, empty database; its URL for fieldsync-central.
    package func makeDatabase() throws -> String {
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        let result = try runProgram(["psql", "-h", directory, "-U", "fieldsync", "-d", "postgres", "-qc", "CREATE DATABASE \(name)"])
        guard result.status == 0 else { throw TestSetupError("createdb failed: \(result.errors)") }
        return "postgres://fieldsync@/\(name)?host=\(directory)"
    }

    /// Runs `sql` in the database of `url` with psql (to stop or break things behind a receiver's back).
    package func psql(_ url: String, _ sql: String) throws -> String {
        let name = String((URLComponents(string: url)?.path ?? "").drop { $0 == "/" })
        let result = try runProgram(["psql", "-h", directory, "-U", "fieldsync", "-d", name, "-qAtc", sql])
        guard result.status == 0 else { throw TestSetupError("psql failed: \(result.errors)") }
        return result.output
    }

    private static let toStop = Mutex<[String]>([])

    private static func stopAtExit(_ directory: String) {
        let first = toStop.withLock { list in
            list.append(directory)
            return list.count == 1
        }
        guard first else { return }
        atexit {
            for directory in PostgresServer.toStop.withLock({ $0 }) {
                var command = PostgresServer.binaries + "/pg_ctl -D '\(directory)/data' -m immediate stop >/dev/null 2>&1"
                if getuid() == 0 { command = "setpriv --reuid=65534 --regid=65534 --clear-groups " + command }
                _ = system(command)
                try? FileManager.default.removeItem(atPath: directory)
            }
        }
    }
}
