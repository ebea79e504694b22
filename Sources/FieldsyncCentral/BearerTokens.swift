import Foundation

/// The bearer tokens central accepts on a push (SPEC §7 `Authorization: Bearer TOKEN`).
///
/// Several tokens may be valid at once so that offices can be moved to a new token one
/// by one. With no token configured every push is accepted — meant for a test bench,
/// and the executable says so on stderr.
public struct BearerTokens: Sendable, Equatable {
    /// The accepted tokens; empty means "accept any push".
    public let tokens: [String]

    public init(_ tokens: [String] = []) {
        self.tokens = tokens
    }

    /// Whether no token is configured, so anybody may push.
    public var acceptsAnyone: Bool { tokens.isEmpty }

    /// Reads the tokens from a file: one per line, surrounding whitespace trimmed, blank
    /// lines and lines starting with `#` ignored. A file with no token is an error,
    /// because silently accepting everyone is not what its author meant.
    public static func read(fromFile path: String) throws -> BearerTokens {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw CentralConfigurationError("cannot read the token file \(path): \(error.localizedDescription)")
        }
        let tokens = text.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        guard !tokens.isEmpty else { throw CentralConfigurationError("the token file \(path) holds no token") }
        if tokens.contains(where: { $0.contains(where: \.isWhitespace) }) {
            throw CentralConfigurationError("a token in \(path) contains whitespace; put one token on each line")
        }
        return BearerTokens(tokens)
    }

    /// Whether an `Authorization` header value carries one of the tokens.
    ///
    /// The scheme name is case-insensitive (RFC 9110); tokens compare in constant time
    /// so response timing does not reveal how much of a guess was right.
    public func accepts(authorization: String?) -> Bool {
        if acceptsAnyone { return true }
        guard let authorization else { return false }
        let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return false }
        let presented = Array(parts[1].trimmingCharacters(in: .whitespaces).utf8)
        var matched = false
        for token in tokens where Self.constantTimeEqual(Array(token.utf8), presented) { matched = true }
        return matched
    }

    private static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for i in a.indices { difference |= a[i] ^ b[i] }
        return difference == 0
    }
}
