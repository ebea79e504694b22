/// A configuration mistake, told as one sentence an IT person can act on.
public struct CentralConfigurationError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
