import Foundation

/// What an answer from central means for a document (SPEC §7).
public enum Verdict: Sendable, Equatable {
    /// 2xx, or 409 (central already holds this key).
    case delivered
    /// 408, 429, 5xx, a timeout, a connection or TLS failure: try again later.
    case retry(after: Duration?)
    /// Any other 4xx (and redirects, which are never followed): kept, shown by
    /// `status`, tried again only after a reload or a manual `fieldsync push`.
    case dead
}
