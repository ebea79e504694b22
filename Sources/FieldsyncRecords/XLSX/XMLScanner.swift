/// A streaming scanner of the XML a worksheet part is written in, fed the part's bytes
/// chunk by chunk as they inflate, so that a sheet of any size is read in flat memory.
///
/// Hand-written rather than Foundation's `XMLParser` (kept for the workbook's small
/// parts): on Linux that one needs a part whole in memory, refused a 200,000-row sheet
/// of 115 MB as not well-formed (libxml2's limits), and took six seconds to call back
/// for it. A sheet needs little of XML: elements, attributes, text, the five predefined
/// entities and character references, CDATA; comments and processing instructions are
/// skipped. A document type declaration, and so any other entity, is refused.
struct XMLScanner {
    /// Bytes being scanned, valid during the call that hands them over only.
    typealias Bytes = Slice<UnsafeBufferPointer<UInt8>>

    /// What was scanned, as slices of the bytes being scanned (valid during the call
    /// only): nothing is allocated or counted per tag, a sheet has millions of them.
    enum Event {
        /// A start tag: its name (prefix and all) and its attributes as written
        /// (``attribute(_:in:)`` reads one).
        case start(name: Bytes, attributes: Bytes, selfClosing: Bool)
        case end(name: Bytes)
        /// Character data as written (``decode(_:)`` reads it); possibly one piece of a
        /// longer text.
        case text(Bytes)
        /// A CDATA section's text, as is.
        case cdata(Bytes)
    }

    struct Malformed: Error {
        var reason: String
    }

    /// Bytes not yet scanned: the start of a tag or a text cut by a chunk's end.
    private var pending: [UInt8] = []

    /// The most a single tag or text may take: a cell holds at most 32,767 characters,
    /// and a token that never ends must not be scanned again at every chunk.
    static let maxToken = 1 << 20

    /// Scans `chunk`, handing each complete event to `body`; false from `body` stops.
    mutating func feed(_ chunk: UnsafeRawBufferPointer, _ body: (Event) throws -> Void) throws {
        pending.append(contentsOf: chunk)
        var consumed = 0
        defer { pending.removeFirst(consumed) }
        try pending.withUnsafeBufferPointer { buffer in
            consumed = try Self.scan(buffer, body)
        }
    }

    /// Scans `pending`'s bytes; returns how many were scanned whole.
    private static func scan(_ pending: UnsafeBufferPointer<UInt8>, _ body: (Event) throws -> Void) throws -> Int {
        var i = 0
        let n = pending.count
        while i < n {
            if pending[i] != UInt8(ascii: "<") {
                // Text up to the next '<' (or keep it whole for the next chunk).
                guard let end = pending[i...].firstIndex(of: UInt8(ascii: "<")) else { return i }
                try body(.text(pending[i ..< end]))
                i = end
                continue
            }
            // Markup: needs its closing '>' (for CDATA and comments, their own terminator).
            if hasPrefix(pending, at: i, "<!--") {
                guard let end = find(pending, "-->", from: i + 4) else { return i }
                i = end + 3
            } else if hasPrefix(pending, at: i, "<![CDATA[") {
                guard let end = find(pending, "]]>", from: i + 9) else { return i }
                try body(.cdata(pending[i + 9 ..< end]))
                i = end + 3
            } else if hasPrefix(pending, at: i, "<!") {
                throw Malformed(reason: "a DOCTYPE or ENTITY declaration")
            } else if hasPrefix(pending, at: i, "<?") {
                guard let end = find(pending, "?>", from: i + 2) else { return i }
                i = end + 2
            } else {
                guard let end = tagEnd(pending, from: i + 1) else { return i }
                try body(try tag(pending[i + 1 ..< end]))
                i = end + 1
            }
        }
        return i
    }

    /// Throws when what waits for the next chunk is already longer than any token may be.
    func checkPending() throws {
        if pending.count > Self.maxToken { throw Malformed(reason: "a tag or text longer than \(Self.maxToken) bytes") }
    }

    /// Whether everything fed was scanned (nothing cut off at the end of the part).
    var isComplete: Bool { pending.allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 } }

    private static func hasPrefix(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int, _ prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard i + count <= bytes.count else {
            // Too short to tell: compare what there is, so that "<!-" waits for more.
            return (0 ..< bytes.count - i).allSatisfy { bytes[i + $0] == prefix.utf8Start[$0] }
        }
        return (0 ..< count).allSatisfy { bytes[i + $0] == prefix.utf8Start[$0] }
    }

    private static func find(_ bytes: UnsafeBufferPointer<UInt8>, _ terminator: StaticString, from start: Int) -> Int? {
        let count = terminator.utf8CodeUnitCount
        var i = start
        while i + count <= bytes.count {
            if bytes[i] == terminator.utf8Start[0], (0 ..< count).allSatisfy({ bytes[i + $0] == terminator.utf8Start[$0] }) {
                return i
            }
            i += 1
        }
        return nil
    }

    /// The '>' closing a tag that starts at `start`, outside quoted attribute values.
    private static func tagEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var quote: UInt8 = 0
        var i = start
        while i < bytes.count {
            let b = bytes[i]
            if quote != 0 {
                if b == quote { quote = 0 }
            } else if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") {
                quote = b
            } else if b == UInt8(ascii: ">") {
                return i
            }
            i += 1
        }
        return nil
    }

    private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }

    /// The inside of `<…>`.
    private static func tag(_ body: Bytes) throws -> Event {
        var i = body.startIndex
        let end = body.endIndex
        if i < end, body[i] == UInt8(ascii: "/") {
            var j = i + 1
            while j < end, !isSpace(body[j]) { j += 1 }
            guard j > i + 1 else { throw Malformed(reason: "an end tag without a name") }
            return .end(name: body[i + 1 ..< j])
        }
        var last = end
        var selfClosing = false
        if last > i, body[last - 1] == UInt8(ascii: "/") { selfClosing = true; last -= 1 }
        let nameStart = i
        while i < last, !isSpace(body[i]) { i += 1 }
        guard i > nameStart else { throw Malformed(reason: "a tag without a name") }
        return .start(name: body[nameStart ..< i], attributes: body[i ..< last], selfClosing: selfClosing)
    }

    /// The value of the attribute `name` among a start tag's `attributes`, decoded; nil
    /// when the tag has none of that name.
    static func attribute(_ name: StaticString, in attributes: Bytes) throws -> String? {
        let wanted = UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
        var i = attributes.startIndex
        let last = attributes.endIndex
        while true {
            while i < last, isSpace(attributes[i]) { i += 1 }
            if i >= last { return nil }
            let attributeStart = i
            while i < last, attributes[i] != UInt8(ascii: "="), !isSpace(attributes[i]) { i += 1 }
            let attribute = attributes[attributeStart ..< i]
            while i < last, isSpace(attributes[i]) { i += 1 }
            guard i < last, attributes[i] == UInt8(ascii: "="), !attribute.isEmpty else { throw Malformed(reason: "an attribute without a value") }
            i += 1
            while i < last, isSpace(attributes[i]) { i += 1 }
            guard i < last, attributes[i] == UInt8(ascii: "\"") || attributes[i] == UInt8(ascii: "'") else {
                throw Malformed(reason: "an attribute value without quotes")
            }
            let quote = attributes[i]
            i += 1
            let valueStart = i
            while i < last, attributes[i] != quote { i += 1 }
            guard i < last else { throw Malformed(reason: "an unterminated attribute value") }
            if attribute.elementsEqual(wanted) { return try decode(attributes[valueStart ..< i]) }
            i += 1
        }
    }

    /// Text with its entity and character references replaced; any other reference is
    /// an error (there is no DTD to declare one).
    static func decode(_ bytes: Bytes) throws -> String {
        guard bytes.contains(UInt8(ascii: "&")) else {
            guard let text = String(validating: bytes, as: UTF8.self) else { throw Malformed(reason: "text that is not UTF-8") }
            return text
        }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let b = bytes[i]
            guard b == UInt8(ascii: "&") else { out.append(b); i += 1; continue }
            guard let semicolon = bytes[i...].firstIndex(of: UInt8(ascii: ";")), semicolon - i <= 10 else {
                throw Malformed(reason: "a stray '&'")
            }
            let name = String(decoding: bytes[i + 1 ..< semicolon], as: UTF8.self)
            switch name {
            case "lt": out.append(UInt8(ascii: "<"))
            case "gt": out.append(UInt8(ascii: ">"))
            case "amp": out.append(UInt8(ascii: "&"))
            case "quot": out.append(UInt8(ascii: "\""))
            case "apos": out.append(UInt8(ascii: "'"))
            default:
                let scalar: UInt32?
                if name.hasPrefix("#x") || name.hasPrefix("#X") { scalar = UInt32(name.dropFirst(2), radix: 16) }
                else if name.hasPrefix("#") { scalar = UInt32(name.dropFirst(), radix: 10) }
                else { throw Malformed(reason: "the undeclared entity &\(name);") }
                guard let scalar, let u = Unicode.Scalar(scalar), scalar != 0 else { throw Malformed(reason: "an invalid character reference &\(name);") }
                out.append(contentsOf: Array(String(u).utf8))
            }
            i = semicolon + 1
        }
        guard let text = String(validating: out, as: UTF8.self) else { throw Malformed(reason: "text that is not UTF-8") }
        return text
    }
}
