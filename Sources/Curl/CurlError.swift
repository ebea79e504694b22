import CCurlShim

/// A transfer that produced no HTTP response: libcurl's error code, its text,
/// and a coarse ``Kind`` a retry policy can act on.
public struct CurlError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, coarsely; enough to decide whether to retry.
    public enum Kind: Sendable, Hashable {
        /// The connect or total time limit passed (`CURLE_OPERATION_TIMEDOUT`).
        case timeout
        /// The connection could not be made or broke: name not resolved,
        /// connection refused, reset, send/receive failure, empty reply, or the
        /// connection closed before the whole response arrived.
        case connect
        /// TLS failed: handshake, server certificate not trusted or not matching
        /// the host, or unusable local TLS material (CA file, client cert/key).
        case tls
        /// The calling task was cancelled and the transfer was abandoned.
        case cancelled
        /// Anything else: a malformed URL, a non-HTTP answer, a refused option.
        case other
    }

    /// The `CURLcode` value (e.g. 7 for `CURLE_COULDNT_CONNECT`).
    public var code: Int32
    /// `curl_easy_strerror(code)`, followed by libcurl's detailed error-buffer
    /// text when it has one.
    public var message: String
    /// The classification of ``code``.
    public var kind: Kind

    public init(code: Int32, message: String, kind: Kind) {
        self.code = code
        self.message = message
        self.kind = kind
    }

    public var description: String {
        "curl error \(code) (\(kind)): \(message)"
    }
}

extension CurlError {
    /// Builds an error from a libcurl result and the transfer's error buffer.
    init(_ code: CURLcode, detail: String = "") {
        let summary = curl_easy_strerror(code).map { String(cString: $0) } ?? "unknown error"
        let trimmed = detail.trimmingASCIIWhitespace()
        let message = trimmed.isEmpty || trimmed == summary ? summary : "\(summary): \(trimmed)"
        self.init(code: Int32(bitPattern: code.rawValue), message: message, kind: Self.kind(of: code))
    }

    /// Maps a `CURLcode` to a ``Kind``.
    static func kind(of code: CURLcode) -> Kind {
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            return .timeout
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT,
             CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE:
            return .connect
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
             CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR,
             CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CRL_BADFILE,
             CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED,
             CURLE_SSL_ENGINE_INITFAILED, CURLE_USE_SSL_FAILED:
            return .tls
        case CURLE_ABORTED_BY_CALLBACK:
            return .cancelled
        default:
            return .other
        }
    }
}

extension String {
    func trimmingASCIIWhitespace() -> String {
        guard let start = firstIndex(where: { !$0.isWhitespace }),
              let end = lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(self[start...end])
    }
}
