import Foundation

/// The `[push]` table: where and how consolidated scores are delivered (SPEC §7).
public struct PushSettings: Sendable, Hashable {
    public var url: String
    public var tokenFile: String?
    public var caFile: String?
    public var clientCertificate: String?
    public var clientKey: String?
    public var debounce: Duration = .seconds(10)
    public var interval: Duration = .seconds(3600)
    public var timeout: Duration = .seconds(30)
    public var maxBackoff: Duration = .seconds(1800)
    /// The largest document central takes (its `--max-body-size`): a larger one is not
    /// staged — it would be refused for ever — and `status` says why.
    public var maxDocumentSize: Int64 = 16 << 20
    /// Sending the token over plain `http://` to another host is refused unless this says so.
    public var allowInsecureHTTP = false

    public init(url: String) { self.url = url }
}
