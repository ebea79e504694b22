import Foundation

/// An HTTPS echo server on 127.0.0.1 with a throw-away PKI, for TLS tests.
///
/// `init` generates, with the `openssl` CLI in a fresh temporary directory, a
/// test CA, a server certificate for `127.0.0.1`/`localhost` signed by it, a
/// client certificate signed by it (for mutual TLS), and an unrelated second CA.
/// It then starts a small Python 3 `ssl` + `http.server` process that answers
/// every `POST`/`PUT`/`GET` with 200, echoing the request body, and reports the
/// request in headers: `X-Method`, `X-Path`, and `X-Client-CN` (the client
/// certificate's common name, when one was presented).
///
/// The child process dies with ``stop()`` (also called by `deinit`), when the
/// test process dies (it exits when its stdin closes), and in any case after
/// five minutes. The temporary directory is removed by ``stop()``.
public final class TLSTestServer {
    /// PEM of the CA that signed the server and client certificates.
    public let caFile: String
    /// PEM of an unrelated CA: trusting only it must fail verification.
    public let otherCAFile: String
    /// PEM client certificate (CN `fieldsync-test-client`) and its key.
    public let clientCertificate: String
    public let clientKey: String
    /// The port the server listens on, on 127.0.0.1.
    public let port: UInt16

    private let directory: URL
    private let process: Process
    private let stdinPipe: Pipe
    private var stopped = false

    /// Generates the PKI and starts the server.
    /// - Parameter requireClientCertificate: demand a client certificate signed
    ///   by ``caFile`` (mutual TLS).
    public init(requireClientCertificate: Bool = false) throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("fieldsync-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.directory = directory
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

        do {
            _ = try Self.serverCertificate(in: directory)
            try Self.makeCA(name: "unrelated test CA", key: path("other-ca.key"), cert: path("other-ca.pem"))
            try Self.makeLeaf(
                name: "fieldsync-test-client", key: path("client.key"), cert: path("client.pem"),
                extensions: "extendedKeyUsage=clientAuth\n",
                caKey: path("ca.key"), caCert: path("ca.pem"), directory: directory)
            try Self.script.write(toFile: path("server.py"), atomically: false, encoding: .utf8)
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
        caFile = path("ca.pem")
        otherCAFile = path("other-ca.pem")
        clientCertificate = path("client.pem")
        clientKey = path("client.key")

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", path("server.py"), path("server.pem"), path("server.key"),
                             requireClientCertificate ? path("ca.pem") : ""]
        let stdout = Pipe()
        let stdin = Pipe()
        process.standardOutput = stdout
        process.standardInput = stdin
        do {
            try process.run()
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
        self.process = process
        self.stdinPipe = stdin

        // The script prints its port once listening, or exits (EOF) on failure.
        var line: [UInt8] = []
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line += chunk
        }
        guard let text = String(bytes: line, encoding: .utf8),
              let port = UInt16(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            port = 0
            stop()
            throw TLSTestServerError.startFailed(String(decoding: line, as: UTF8.self))
        }
        self.port = port
    }

    deinit { stop() }

    /// `https://127.0.0.1:PORT` followed by `path`; `host` may be `localhost`.
    public func url(path: String = "/", host: String = "127.0.0.1") -> String {
        "https://\(host):\(port)\(path)"
    }

    /// Kills the server, waits for it, and removes the PKI. Idempotent.
    public func stop() {
        guard !stopped else { return }
        stopped = true
        // SIGKILL, not terminate()'s SIGTERM: a child spawned from a Dispatch
        // worker thread inherits that thread's signal mask, in which SIGTERM is
        // blocked, so SIGTERM would stay pending and waitUntilExit never return.
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
        }
        if process.processIdentifier != 0 {
            process.waitUntilExit()
        }
        try? stdinPipe.fileHandleForWriting.close()
        try? FileManager.default.removeItem(at: directory)
    }

    /// A throw-away CA and a server certificate for 127.0.0.1 and localhost signed by it,
    /// made with openssl in `directory`: for servers other than this one (central's HTTPS).
    public static func serverCertificate(in directory: URL) throws -> (caFile: String, certificate: String, key: String) {
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        try makeCA(name: "fieldsync test CA", key: path("ca.key"), cert: path("ca.pem"))
        try makeLeaf(
            name: "127.0.0.1", key: path("server.key"), cert: path("server.pem"),
            extensions: "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n",
            caKey: path("ca.key"), caCert: path("ca.pem"), directory: directory)
        return (path("ca.pem"), path("server.pem"), path("server.key"))
    }

    public enum TLSTestServerError: Error {
        case startFailed(String)
        case opensslFailed([String], Int32)
    }

    // MARK: PKI

    private static let curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]

    private static func makeCA(name: String, key: String, cert: String) throws {
        try openssl(["req", "-x509"] + curve + ["-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=\(name)"])
    }

    private static func makeLeaf(
        name: String, key: String, cert: String, extensions: String,
        caKey: String, caCert: String, directory: URL
    ) throws {
        let csr = cert + ".csr", ext = cert + ".ext"
        try (extensions + "basicConstraints=critical,CA:FALSE\n").write(toFile: ext, atomically: false, encoding: .utf8)
        try openssl(["req", "-new"] + curve + ["-keyout", key, "-out", csr, "-subj", "/CN=\(name)"])
        try openssl(["x509", "-req", "-in", csr, "-CA", caCert, "-CAkey", caKey,
                     "-set_serial", "\(UInt32.random(in: 1...UInt32.max))",
                     "-days", "2", "-out", cert, "-extfile", ext])
    }

    private static func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TLSTestServerError.opensslFailed(arguments, process.terminationStatus)
        }
    }

    private static let script = #"""
    import http.server, os, signal, ssl, sys, threading

    # Spawned from a Dispatch thread, this process inherits a mask that blocks
    # most signals; unblock them so it can be stopped like any other process.
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    cert, key, client_ca = sys.argv[1], sys.argv[2], sys.argv[3]

    def watchdog():
        sys.stdin.read()          # returns when the test process closes stdin or dies
        os._exit(0)
    threading.Thread(target=watchdog, daemon=True).start()
    threading.Timer(300, lambda: os._exit(1)).start()

    class Echo(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        def handle_any(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            peer = self.connection.getpeercert() or {}
            cn = "".join(v for rdn in peer.get("subject", ()) for k, v in rdn if k == "commonName")
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-Method", self.command)
            self.send_header("X-Path", self.path)
            if cn:
                self.send_header("X-Client-CN", cn)
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)
        do_POST = do_PUT = do_GET = handle_any
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    if client_ca:
        context.verify_mode = ssl.CERT_REQUIRED
        context.load_verify_locations(client_ca)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    print(server.server_address[1], flush=True)
    server.serve_forever()
    """#
}
