/// Finds a table header whose first key starts with a character no key can start
/// with (`[#]`, `[.a]`, `[[=x]]`) before TOMLKit sees the text.
///
/// The toml++ parser inside TOMLKit 0.6.0 asserts on such a header instead of
/// reporting it, and the assertion aborts the process (found by `make fuzz`). A
/// config or scheme file with a typo must be an error naming its line, not a crash,
/// so this scan runs first: a small lexer that knows strings, comments and brackets
/// well enough to tell a table header (a `[` at the start of a line, outside any
/// value, after blanks, a BOM or other non-ASCII the parser may skip) from an array.
enum TOMLHeaderGuard {
    /// The 1-based line of the first such header, or nil when there is none.
    static func badHeaderLine(in text: String) -> Int? {
        let bytes = Array(text.utf8)
        var i = 0
        var line = 1
        var depth = 0  // open [ and { of values
        var lineStart = true
        func at(_ offset: Int) -> UInt8? { i + offset < bytes.count ? bytes[i + offset] : nil }
        func skipString(_ quote: UInt8) {
            let multi = at(1) == quote && at(2) == quote
            i += multi ? 3 : 1
            while i < bytes.count {
                let b = bytes[i]
                if b == UInt8(ascii: "\n") {
                    if !multi { return }  // an unterminated string: TOMLKit reports it
                    line += 1
                } else if b == UInt8(ascii: "\\"), quote == UInt8(ascii: "\"") {
                    i += 2
                    continue
                } else if b == quote, !multi || (at(1) == quote && at(2) == quote) {
                    i += multi ? 3 : 1
                    return
                }
                i += 1
            }
        }
        while i < bytes.count {
            let b = bytes[i]
            switch b {
            case UInt8(ascii: "\n"):
                line += 1
                lineStart = true
                i += 1
                continue
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                i += 1
                continue
            case UInt8(ascii: "#"):
                while i < bytes.count, bytes[i] != UInt8(ascii: "\n") { i += 1 }
                continue
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                skipString(b)
            case UInt8(ascii: "[") where lineStart && depth == 0:
                i += at(1) == UInt8(ascii: "[") ? 2 : 1
                while let c = at(0), c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") { i += 1 }
                if let c = at(0), !isKeyStart(c) { return line }
                // The rest of the header is the parser's to judge.
                while i < bytes.count, bytes[i] != UInt8(ascii: "\n") {
                    if bytes[i] == UInt8(ascii: "\"") || bytes[i] == UInt8(ascii: "'") { skipString(bytes[i]) } else { i += 1 }
                }
                continue
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                i += 1
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth = max(0, depth - 1)
                i += 1
            case 0x80... where lineStart:
                // A BOM, or a space toml++ skips (U+3000 …) before a header: still the
                // start of the line. (No key of ours starts with anything else non-ASCII;
                // at worst a line that is an error anyway is reported as a bad header.)
                i += 1
                continue
            default:
                i += 1
            }
            lineStart = false
        }
        return nil
    }

    /// A bare key's characters, or a quote opening a quoted key.
    private static func isKeyStart(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
            || c == UInt8(ascii: "_") || c == UInt8(ascii: "-") || c == UInt8(ascii: "\"") || c == UInt8(ascii: "'")
    }
}
