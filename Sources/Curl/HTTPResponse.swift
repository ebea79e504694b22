/// The answer to an ``HTTPRequest``: any status the server sent, 1xx aside.
///
/// 4xx and 5xx are responses, not errors: deciding what they mean (delivered,
/// retry, dead) is the caller's business.
public struct HTTPResponse: Sendable {
    /// The final status code (interim `1xx` responses are skipped).
    public var status: Int
    /// Header fields of the final response, in the order received. Folded
    /// continuation lines are joined to the field they continue.
    public var headers: [(name: String, value: String)]
    /// The body, at most ``HTTPRequest/maxResponseBodyBytes`` long.
    public var body: [UInt8]
    /// True when the server sent more than ``HTTPRequest/maxResponseBodyBytes``
    /// and the transfer was cut short; ``body`` then holds the first bytes only.
    public var bodyTruncated: Bool

    public init(
        status: Int,
        headers: [(name: String, value: String)] = [],
        body: [UInt8] = [],
        bodyTruncated: Bool = false
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.bodyTruncated = bodyTruncated
    }

    /// The value of the last header field called `name`, compared
    /// case-insensitively (ASCII), or nil when there is none.
    public func header(_ name: String) -> String? {
        headers.last { asciiCaseInsensitiveEqual($0.name, name) }?.value
    }

    /// Every value of the header fields called `name`, in order, compared
    /// case-insensitively (ASCII).
    public func headers(named name: String) -> [String] {
        headers.filter { asciiCaseInsensitiveEqual($0.name, name) }.map(\.value)
    }
}

/// ASCII case-insensitive comparison, which is what HTTP field names use.
func asciiCaseInsensitiveEqual(_ a: String, _ b: String) -> Bool {
    let a = a.utf8, b = b.utf8
    guard a.count == b.count else { return false }
    return zip(a, b).allSatisfy { lowerASCII($0) == lowerASCII($1) }
}

private func lowerASCII(_ byte: UInt8) -> UInt8 {
    (byte >= 0x41 && byte <= 0x5A) ? byte + 0x20 : byte
}
