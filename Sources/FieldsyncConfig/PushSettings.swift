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

    public init(url: String) { self.url = url }
}
