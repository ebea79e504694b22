import Foundation

/// A mistake in a config or scheme file: which file, which key, which line (where it
/// can be told) and what is wrong, as one sentence an operator can act on.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    public var file: String
    /// Dotted key path, e.g. `source[2].role` or `indicator[siren.fixed].target`.
    public var keyPath: String?
    public var line: Int?
    public var message: String

    public init(file: String, keyPath: String? = nil, line: Int? = nil, message: String) {
        self.file = file
        self.keyPath = keyPath
        self.line = line
        self.message = message
    }

    public var description: String {
        var where_ = file
        if let line { where_ += ":\(line)" }
        if let keyPath { where_ += ": \(keyPath)" }
        return "\(where_): \(message)"
    }
}
