/// Reads JSON text (RFC 8259) into `JSONValue`s, keeping number text and the line each
/// element starts on: the one JSON reader of the daemon and of central.
///
/// Strict on purpose — what another JSON reader might read differently is refused: a
/// member named twice in one object, invalid UTF-8, a lone surrogate, trailing text,
/// nesting deep enough to exhaust the stack.
///
/// Hand-written rather than Foundation's `JSONSerialization` or `JSONDecoder`
/// because those read numbers through `Double` (79.99 would not survive), report no
/// line for an element and take the last of two members of one name; all three matter
/// here: exact values, error messages that name the line, one reading for everyone.
public struct JSONParser {
    private let bytes: [UInt8]
    private var i = 0
    private var line = 1
    private var lineStart = 0
    private let firstLine: Int
    private static let maxDepth = 64

    /// `firstLine` is the line number of the text's first byte (for JSONL lines).
    public init(_ bytes: [UInt8], firstLine: Int = 1) {
        self.bytes = bytes
        self.firstLine = firstLine
        self.line = firstLine
    }

    /// Parses `bytes` as one JSON text.
    public static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
        var parser = JSONParser(bytes)
        return try parser.parseValue()
    }

    /// Parses one complete value (nothing but whitespace may follow).
    public mutating func parseValue() throws(JSONSyntaxError) -> JSONValue {
        skipWhitespace()
        let v = try value(depth: 0)
        skipWhitespace()
        guard i == bytes.count else { throw error("unexpected text after the JSON value") }
        return v
    }

    /// Parses a `.json` drop file: one record object, an array of them, or
    /// `{"records": [...]}`; hands over each record's value with its array index (nil
    /// for a single object) and starting line, one at a time, as it is read.
    ///
    /// Records are read as records (``parseRecord()``), so what a record cannot hold
    /// costs nothing: a hostile file of 64 MiB holds one record at a time in memory,
    /// not a tree of millions of values.
    public mutating func parseRecords(_ each: (_ value: JSONValue, _ index: Int?, _ line: Int) throws -> Void) throws {
        skipWhitespace()
        guard i < bytes.count else { throw error("the file is empty") }
        if bytes[i] == UInt8(ascii: "[") {
            try records(depth: 0, each)
        } else if bytes[i] == UInt8(ascii: "{") {
            let startLine = line
            let save = (i, line, lineStart)
            if try !wrappedRecords(each) {
                // Not the wrapper: read it again from its `{` as one record.
                (i, line, lineStart) = save
                try each(try recordValue(depth: 0), nil, startLine)
            }
        } else {
            throw error("a .json file must hold a record object, an array of records, or {\"records\": [...]}")
        }
        skipWhitespace()
        guard i == bytes.count else { throw error("unexpected text after the JSON value") }
    }

    /// Every record of a `.json` drop file at once (see ``parseRecords(_:)``).
    public mutating func parseRecords() throws(JSONSyntaxError) -> [(value: JSONValue, index: Int?, line: Int)] {
        var out: [(value: JSONValue, index: Int?, line: Int)] = []
        do {
            try parseRecords { out.append(($0, $1, $2)) }
        } catch let e as JSONSyntaxError {
            throw e
        } catch {
            preconditionFailure("appending cannot throw")
        }
        return out
    }

    /// Parses one record, a JSONL line: a value of which an object keeps its members
    /// (at most ``Limits/recordFields``) but only their single values — a nested array
    /// or object is checked and skipped, standing as an empty one, since a record
    /// field may not be one. Nothing else may follow.
    public mutating func parseRecord() throws(JSONSyntaxError) -> JSONValue {
        skipWhitespace()
        let v = try recordValue(depth: 0)
        skipWhitespace()
        guard i == bytes.count else { throw error("unexpected text after the JSON value") }
        return v
    }

    /// At a `{`: hands over the records of `{"records": [...]}` and returns true;
    /// false (position left anywhere, nothing handed over) when the object is
    /// something else — another first key, or not an array. Members after the array
    /// are an error: its records were handed over already.
    private mutating func wrappedRecords(_ each: (JSONValue, Int?, Int) throws -> Void) throws -> Bool {
        i += 1
        skipWhitespace()
        guard i < bytes.count, bytes[i] == UInt8(ascii: "\""), try string() == "records" else { return false }
        skipWhitespace()
        guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return false }
        i += 1
        skipWhitespace()
        guard i < bytes.count, bytes[i] == UInt8(ascii: "[") else {
            // `{"records": x}` with nothing else is a wrapper gone wrong, said at x.
            let at = (i, line, lineStart)
            try skip(depth: 1)
            skipWhitespace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "}") else { return false }
            (i, line, lineStart) = at
            throw error("\"records\" must be an array of record objects")
        }
        try records(depth: 1, each)
        skipWhitespace()
        guard i < bytes.count, bytes[i] == UInt8(ascii: "}") else {
            throw error("{\"records\": [...]} must hold nothing but the array of records")
        }
        i += 1
        return true
    }

    /// At a `[`: each element as a record, handed over with its index and line.
    private mutating func records(depth: Int, _ each: (JSONValue, Int?, Int) throws -> Void) throws {
        i += 1
        skipWhitespace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return }
        var index = 0
        while true {
            skipWhitespace()
            let l = line
            try each(try recordValue(depth: depth + 1), index, l)
            index += 1
            skipWhitespace()
            guard i < bytes.count else { throw error("unexpected end of the text inside an array") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "]") { i += 1; return }
            throw error("expected ',' or ']'")
        }
    }

    /// A value where a record stands: an object keeps its members' single values
    /// (nested containers skipped, standing as empty ones); an array is skipped.
    private mutating func recordValue(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        guard depth < JSONParser.maxDepth else { throw error("nested too deeply") }
        guard i < bytes.count else { throw error("unexpected end of the text") }
        switch bytes[i] {
        case UInt8(ascii: "{"): return try object(depth: depth, shallow: true)
        case UInt8(ascii: "["): try skip(depth: depth); return .array([])
        default: return try value(depth: depth)
        }
    }

    /// Checks a value's syntax without keeping it: what a record cannot hold is read
    /// past at the cost of its largest string. (Names in a skipped object are not
    /// checked for repeats; the record holding it is refused anyway.)
    private mutating func skip(depth: Int) throws(JSONSyntaxError) {
        guard depth < JSONParser.maxDepth else { throw error("nested too deeply") }
        guard i < bytes.count else { throw error("unexpected end of the text") }
        let isObject = bytes[i] == UInt8(ascii: "{")
        guard isObject || bytes[i] == UInt8(ascii: "[") else {
            _ = try value(depth: depth)
            return
        }
        let close = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
        i += 1
        skipWhitespace()
        if i < bytes.count, bytes[i] == close { i += 1; return }
        while true {
            skipWhitespace()
            if isObject {
                guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw error("expected a field name in double quotes") }
                _ = try string()
                skipWhitespace()
                try expect(":")
                skipWhitespace()
            }
            try skip(depth: depth + 1)
            skipWhitespace()
            guard i < bytes.count else { throw error("unexpected end of the text inside \(isObject ? "an object" : "an array")") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == close { i += 1; return }
            throw error(isObject ? "expected ',' or '}'" : "expected ',' or ']'")
        }
    }

    private func error(_ message: String) -> JSONSyntaxError {
        JSONSyntaxError(line: line, column: i - lineStart + 1, offset: i, message: message)
    }

    private mutating func skipWhitespace() {
        while i < bytes.count {
            switch bytes[i] {
            case 0x20, 0x09, 0x0D: i += 1
            case 0x0A: i += 1; line += 1; lineStart = i
            default: return
            }
        }
    }

    private mutating func expect(_ c: Unicode.Scalar) throws(JSONSyntaxError) {
        guard i < bytes.count, bytes[i] == UInt8(c.value) else { throw error("expected '\(c)'") }
        i += 1
    }

    private mutating func value(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        guard depth < JSONParser.maxDepth else { throw error("nested too deeply") }
        guard i < bytes.count else { throw error("unexpected end of the text") }
        switch bytes[i] {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return .array(try array(depth: depth))
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw error("unexpected character \(printable(bytes[i]))")
        }
    }

    private func printable(_ b: UInt8) -> String {
        b >= 0x20 && b < 0x7F ? "'\(Character(Unicode.Scalar(b)))'" : "byte 0x\(String(b, radix: 16))"
    }

    private mutating func literal(_ word: String) throws(JSONSyntaxError) {
        for c in word.utf8 {
            guard i < bytes.count, bytes[i] == c else { throw error("invalid literal (expected \(word))") }
            i += 1
        }
    }

    /// An object; `shallow` (a record): at most ``Limits/recordFields`` members, and
    /// a member that is an array or an object is skipped, standing as an empty one.
    private mutating func object(depth: Int, shallow: Bool = false) throws(JSONSyntaxError) -> JSONValue {
        i += 1
        var members: [(key: String, value: JSONValue)] = []
        // Room for a scores document's indicator (ten members) at once, instead of
        // growing four times.
        members.reserveCapacity(12)
        // Names seen: compared one by one while the object is small (most are: a
        // scores document has thousands of ten-member objects, and a set each cost a
        // sixth of central's time), hashed once it is not.
        var names: Set<String>?
        func isNew(_ key: String) -> Bool {
            if names == nil {
                if !members.contains(where: { $0.key == key }) {
                    if members.count >= 16 { names = Set(members.map(\.key) + [key]) }
                    return true
                }
                return false
            }
            return names!.insert(key).inserted
        }
        skipWhitespace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
        while true {
            skipWhitespace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw error("expected a field name in double quotes") }
            let at = (i, line, lineStart)
            let key = try string()
            guard isNew(key) else {
                (i, line, lineStart) = at
                throw error("the field \"\(key)\" appears twice in one object")
            }
            skipWhitespace()
            try expect(":")
            skipWhitespace()
            if shallow {
                guard members.count < Limits.recordFields else {
                    (i, line, lineStart) = at
                    throw error("a record may have at most \(Limits.recordFields) fields")
                }
                if i < bytes.count, bytes[i] == UInt8(ascii: "{") || bytes[i] == UInt8(ascii: "[") {
                    let empty: JSONValue = bytes[i] == UInt8(ascii: "{") ? .object([]) : .array([])
                    try skip(depth: depth + 1)
                    members.append((key, empty))
                } else {
                    members.append((key, try value(depth: depth + 1)))
                }
            } else {
                members.append((key, try value(depth: depth + 1)))
            }
            skipWhitespace()
            guard i < bytes.count else { throw error("unexpected end of the text inside an object") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
            throw error("expected ',' or '}'")
        }
    }

    private mutating func array(depth: Int) throws(JSONSyntaxError) -> [JSONValue] {
        i += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return items }
        while true {
            skipWhitespace()
            items.append(try value(depth: depth + 1))
            skipWhitespace()
            guard i < bytes.count else { throw error("unexpected end of the text inside an array") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "]") { i += 1; return items }
            throw error("expected ',' or ']'")
        }
    }

    private mutating func number() throws(JSONSyntaxError) -> String {
        let start = i
        if bytes[i] == UInt8(ascii: "-") { i += 1 }
        guard i < bytes.count, isDigit(bytes[i]) else { throw error("invalid number") }
        if bytes[i] == UInt8(ascii: "0") {
            i += 1
        } else {
            while i < bytes.count, isDigit(bytes[i]) { i += 1 }
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard i < bytes.count, isDigit(bytes[i]) else { throw error("invalid number: digits must follow '.'") }
            while i < bytes.count, isDigit(bytes[i]) { i += 1 }
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard i < bytes.count, isDigit(bytes[i]) else { throw error("invalid number exponent") }
            while i < bytes.count, isDigit(bytes[i]) { i += 1 }
        }
        return String(decoding: bytes[start..<i], as: UTF8.self)
    }

    private func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }

    private mutating func string() throws(JSONSyntaxError) -> String {
        i += 1
        // Most strings have no escape: taken straight from the text (ASCII needs no
        // check), without a copy byte by byte.
        let start = i
        var ascii = true
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                let slice = bytes[start ..< i]
                i += 1
                if ascii { return String(decoding: slice, as: UTF8.self) }
                guard let text = String(validating: slice, as: UTF8.self) else {
                    i = start
                    throw error("invalid UTF-8 in a string")
                }
                return text
            }
            if b == UInt8(ascii: "\\") || b < 0x20 { break }
            if b >= 0x80 { ascii = false }
            i += 1
        }
        i = start
        var out: [UInt8] = []
        while true {
            guard i < bytes.count else { throw error("unterminated string") }
            let b = bytes[i]
            if b == UInt8(ascii: "\"") { i += 1; break }
            if b < 0x20 { throw error(b == 0x0A ? "line break inside a string" : "control character inside a string") }
            if b != UInt8(ascii: "\\") { out.append(b); i += 1; continue }
            i += 1
            guard i < bytes.count else { throw error("unterminated string") }
            let e = bytes[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800...0xDBFF).contains(scalar) {
                    guard i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else {
                        throw error("unpaired surrogate in \\u escape")
                    }
                    i += 2
                    let low = try hex4()
                    guard (0xDC00...0xDFFF).contains(low) else { throw error("unpaired surrogate in \\u escape") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    throw error("unpaired surrogate in \\u escape")
                }
                guard let u = Unicode.Scalar(scalar) else { throw error("invalid \\u escape") }
                out.append(contentsOf: Array(String(Character(u)).utf8))
            default: throw error("invalid escape \\\(Character(Unicode.Scalar(e)))")
            }
        }
        guard let text = String(validating: out, as: UTF8.self) else { throw error("invalid UTF-8 in a string") }
        return text
    }

    private mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
        guard i + 4 <= bytes.count else { throw error("invalid \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[i]
            let d: UInt32
            switch b {
            case 48...57: d = UInt32(b - 48)
            case 65...70: d = UInt32(b - 55)
            case 97...102: d = UInt32(b - 87)
            default: throw error("invalid \\u escape")
            }
            v = v * 16 + d
            i += 1
        }
        return v
    }
}
