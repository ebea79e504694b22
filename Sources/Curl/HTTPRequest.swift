/// One HTTP request for ``CurlClient/perform(_:)``.
///
/// A plain value: everything a single transfer needs, including its time limits
/// and TLS material, so a request can be built once, logged, and retried as is.
/// TLS peer and host verification are always on and cannot be switched off.
public struct HTTPRequest: Sendable {
    /// Absolute `http://` or `https://` URL. Other schemes are refused by libcurl.
    public var url: String
    /// The request method. `POST` (the default) and any method other than `GET`
    /// and `HEAD` send ``body`` with a `Content-Length`.
    public var method: String
    /// Request headers, sent in order. Names and values must not contain CR or LF.
    ///
    /// The client adds an empty `Expect:` (no `100-continue` round trip) unless an
    /// `Expect` header is given, and suppresses libcurl's default
    /// `application/x-www-form-urlencoded` content type unless a `Content-Type`
    /// header is given. An empty value is sent as an empty header.
    public var headers: [(name: String, value: String)]
    /// The request body, sent verbatim.
    public var body: [UInt8]
    /// Limit for establishing the connection, TLS handshake included.
    /// Values below one millisecond are raised to one millisecond.
    public var connectTimeout: Duration
    /// Limit for the whole transfer, connection included.
    /// Values below one millisecond are raised to one millisecond.
    public var totalTimeout: Duration
    /// PEM file of the certificate authorities to trust instead of the system
    /// store. When set, only these authorities are trusted (the system CA path
    /// is not consulted), which pins a private central's CA.
    public var caFile: String?
    /// PEM client certificate for mutual TLS.
    public var clientCertificate: String?
    /// PEM private key of ``clientCertificate``, if not in the same file.
    public var clientKey: String?
    /// The most response-body bytes kept. A longer body ends the transfer early
    /// and the response comes back with ``HTTPResponse/bodyTruncated`` set, so a
    /// misbehaving server cannot exhaust memory. Default 1 MiB.
    public var maxResponseBodyBytes: Int

    /// Creates a request; only `url` is required.
    public init(
        url: String,
        method: String = "POST",
        headers: [(name: String, value: String)] = [],
        body: [UInt8] = [],
        connectTimeout: Duration = .seconds(10),
        totalTimeout: Duration = .seconds(30),
        caFile: String? = nil,
        clientCertificate: String? = nil,
        clientKey: String? = nil,
        maxResponseBodyBytes: Int = 1 << 20
    ) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.caFile = caFile
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
        self.maxResponseBodyBytes = maxResponseBodyBytes
    }
}
