/// Compact JSON written straight into bytes, member by member: for a document too
/// large to build as a ``JSONValue`` tree first (a scores document of 100 units × 50
/// indicators is close to a megabyte). Writes exactly what ``JSONValue/rendered(pretty:)``
/// writes for the same members in the same order; the caller keeps the structure
/// right (a key before each member's value, containers closed).
public struct JSONWriter {
    /// What has been written.
    public private(set) var bytes: [UInt8] = []
    /// Whether the container being written already has an element (a comma is due).
    private var hasElement: [Bool] = []

    public init(capacity: Int = 4096) {
        bytes.reserveCapacity(capacity)
    }

    private mutating func separate() {
        if let last = hasElement.last {
            if last { bytes.append(UInt8(ascii: ",")) }
            hasElement[hasElement.count - 1] = true
        }
    }

    /// Opens an object, as the next element or, after ``key(_:)``, as the member's value.
    public mutating func beginObject() {
        bytes.append(UInt8(ascii: "{"))
        hasElement.append(false)
    }

    public mutating func endObject() {
        hasElement.removeLast()
        bytes.append(UInt8(ascii: "}"))
    }

    public mutating func beginArray() {
        bytes.append(UInt8(ascii: "["))
        hasElement.append(false)
    }

    public mutating func endArray() {
        hasElement.removeLast()
        bytes.append(UInt8(ascii: "]"))
    }

    /// A member's name; its value follows.
    public mutating func key(_ name: String) {
        separate()
        JSONValue.writeString(name, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
    }

    /// Marks the start of an array element (a comma before all but the first).
    public mutating func element() {
        separate()
    }

    public mutating func string(_ text: String) { JSONValue.writeString(text, to: &bytes) }

    /// A number as its JSON text (valid number syntax, as ``JSONValue/number(_:)`` holds).
    public mutating func number(_ text: String) { bytes.append(contentsOf: text.utf8) }

    public mutating func number(_ value: Int) { number(String(value)) }

    /// A number whose text `write` appends (valid number syntax).
    public mutating func number(_ write: (inout [UInt8]) -> Void) { write(&bytes) }

    public mutating func bool(_ value: Bool) { bytes.append(contentsOf: (value ? "true" : "false").utf8) }

    public mutating func null() { bytes.append(contentsOf: "null".utf8) }

    /// The members so far of an object left open, without its closing brace; then the
    /// writer is empty again. (For a document in two parts: see `RenderedScores`.)
    public mutating func take() -> [UInt8] {
        defer { bytes = []; hasElement = [] }
        return bytes
    }
}
