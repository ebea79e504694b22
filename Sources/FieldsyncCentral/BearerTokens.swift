import Crypto
import FieldsyncProtocol
import Foundation

/// The bearer tokens central accepts on a push (SPEC §7 `Authorization: Bearer TOKEN`),
/// each bound to the one office it may push for.
///
/// A token is an office's credential, not a key to every office: with a token of
/// Ningde's, nobody can push Fuzhou's scores. Several tokens may name one office, so an
/// office can move to a new token without a gap. With no token configured every push
/// is accepted — meant for a test bench, and the executable says so on stderr.
///
/// A token itself is never logged or stored: ``fingerprint(of:)`` stands for it.
public struct BearerTokens: Sendable, Equatable {
    /// Token → the office it pushes for; empty means "accept any push".
    private let offices: [String: String]

    /// The shortest token accepted: a guessable token is no credential.
    public static let minimumLength = 16

    /// Tokens and their offices (`token: office`).
    public init(_ offices: [String: String] = [:]) {
        self.offices = offices
    }

    /// Whether no token is configured, so anybody may push.
    public var acceptsAnyone: Bool { offices.isEmpty }

    /// What a presented `Authorization` header is worth.
    public enum Verdict: Sendable, Equatable {
        /// No token or an unknown one (401).
        case unknown
        /// A known token, bound to this office (nil: any office, when none is configured).
        case office(String?)
    }

    /// Reads the token file: one `OFFICE TOKEN` per line, surrounding whitespace trimmed,
    /// blank lines and lines starting with `#` ignored. A file with no token, a line
    /// that is not an office and a token, an office that is not a code, or a token
    /// shorter than ``minimumLength`` is an error naming the line — silently accepting
    /// everyone, or a token meant for one office working for all, is not what its
    /// author meant.
    public static func read(fromFile path: String) throws -> BearerTokens {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw CentralConfigurationError("cannot read the token file \(path): \(error.localizedDescription)")
        }
        var offices: [String: String] = [:]
        for (index, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            let fields = line.split(whereSeparator: \.isWhitespace)
            let at = "\(path):\(index + 1)"
            guard fields.count == 2 else {
                throw CentralConfigurationError("\(at): each line is OFFICE TOKEN (the office the token may push for, then the token)")
            }
            let office = String(fields[0]), token = String(fields[1])
            guard Limits.isCode(office) else { throw CentralConfigurationError("\(at): \"\(office)\" is not an office code") }
            guard token.utf8.count >= minimumLength else {
                throw CentralConfigurationError("\(at): the token for \(office) is shorter than \(minimumLength) characters")
            }
            if let other = offices[token], other != office {
                throw CentralConfigurationError("\(at): one token for two offices (\(other) and \(office))")
            }
            offices[token] = office
        }
        guard !offices.isEmpty else { throw CentralConfigurationError("the token file \(path) holds no token") }
        return BearerTokens(offices)
    }

    /// What an `Authorization` header value carries.
    ///
    /// The scheme name is case-insensitive (RFC 9110); every known token is compared,
    /// in constant time, so response timing does not reveal how much of a guess was right.
    public func verdict(authorization: String?) -> Verdict {
        if acceptsAnyone { return .office(nil) }
        guard let authorization else { return .unknown }
        let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return .unknown }
        let presented = Array(parts[1].trimmingCharacters(in: .whitespaces).utf8)
        var matched: String?
        for (token, office) in offices where Self.constantTimeEqual(Array(token.utf8), presented) { matched = office }
        return matched.map { .office($0) } ?? .unknown
    }

    /// What stands for a token in logs and in the store: the first 16 hex digits of its
    /// SHA-256 — enough to tell tokens apart, nothing to push with.
    public static func fingerprint(of authorization: String?) -> String? {
        guard let authorization else { return nil }
        let token = authorization.split(separator: " ", maxSplits: 1).last.map(String.init) ?? authorization
        return String(Hex.encode(SHA256.hash(data: Array(token.trimmingCharacters(in: .whitespaces).utf8))).prefix(16))
    }

    private static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for i in a.indices { difference |= a[i] ^ b[i] }
        return difference == 0
    }
}
