/// Every problem of a rejected file, as an error value.
public struct Problems: Error, Sendable {
    public var all: [Problem]

    public init(_ all: [Problem]) { self.all = all }
}
