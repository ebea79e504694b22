import Curl
import Foundation

/// What one delivery attempt came to, for `fieldsync push` and the logs.
public struct DeliveryReport: Sendable {
    public var key: String
    public var status: Int?
    public var error: String?
    public var verdict: Verdict
}
