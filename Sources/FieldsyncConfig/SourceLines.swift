import Foundation

/// Finds the line of a key path such as `source[2].role` in TOML text, by walking
/// table headers; good enough for the flat files fieldsync reads.
struct SourceLines {
    let lines: [Substring]

    init(_ text: String) { lines = text.split(separator: "\n", omittingEmptySubsequences: false) }

    func line(of keyPath: String) -> Int? {
        var parts = keyPath.split(separator: ".").map(String.init)
        guard let last = parts.popLast() else { return nil }
        // Locate the table the key lives in.
        var start = 0
        var end = lines.count
        for part in parts {
            var name = part
            var index = 1
            if let open = part.firstIndex(of: "["), part.hasSuffix("]") {
                name = String(part[..<open])
                index = Int(part[part.index(after: open)..<part.index(before: part.endIndex)]) ?? 1
            }
            var seen = 0
            var found: Int?
            for i in start..<end {
                let t = lines[i].trimmingCharacters(in: .whitespaces)
                if t == "[[\(name)]]" || t.hasPrefix("[[\(name)]]") || t == "[\(name)]" || t.hasPrefix("[\(name)]") {
                    seen += 1
                    if seen == index { found = i; break }
                }
            }
            guard let f = found else { break }
            start = f + 1
            end = lines.count
            for i in start..<lines.count where lines[i].trimmingCharacters(in: .whitespaces).hasPrefix("[") {
                end = i
                break
            }
        }
        if parts.isEmpty {
            end = lines.firstIndex { $0.trimmingCharacters(in: .whitespaces).hasPrefix("[") } ?? lines.count
        }
        var key = last
        if let open = key.firstIndex(of: "[") { key = String(key[..<open]) }
        for i in start..<end {
            let t = lines[i].trimmingCharacters(in: .whitespaces)
            if t.hasPrefix(key), t.dropFirst(key.count).trimmingCharacters(in: .whitespaces).hasPrefix("=") {
                return i + 1
            }
        }
        // A key not written: the line of its table's header, or for a top-level key
        // line 1, where the file's top-level keys are (every error names a line).
        return start > 0 ? start : 1
    }
}
