import FieldsyncModel
import FieldsyncProtocol
import Foundation
import TOMLKit

/// Reads one table of a TOML document with the key paths needed for good errors, and
/// remembers which keys were read so that unknown keys (typos) are reported rather
/// than silently ignored.
///
/// TOMLKit parses the document and reports syntax errors with a line; it does not
/// keep the lines of values, so `line(of:)` finds a key's line in the source text.
final class TOMLReader {
    let file: String
    let path: String
    private let table: TOMLTable
    private let source: SourceLines
    private var read: Set<String> = []

    /// Parses `text` (the contents of `file`).
    convenience init(file: String, text: String) throws(ConfigError) {
        if let line = TOMLHeaderGuard.badHeaderLine(in: text) {
            throw ConfigError(file: file, line: line, message: "not valid TOML: a table header must start with a key, like [source] or [[unit]]")
        }
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigError(file: file, line: error.source.begin.line,
                              message: "not valid TOML: \(error.description)")
        } catch {
            throw ConfigError(file: file, message: "not valid TOML: \(error)")
        }
        self.init(file: file, path: "", table: table, source: SourceLines(text))
    }

    private init(file: String, path: String, table: TOMLTable, source: SourceLines) {
        self.file = file
        self.path = path
        self.table = table
        self.source = source
    }

    func keyPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func error(_ key: String?, _ message: String) -> ConfigError {
        let kp = key.map(keyPath) ?? (path.isEmpty ? nil : path)
        return ConfigError(file: file, keyPath: kp, line: kp.flatMap { source.line(of: $0) }, message: message)
    }

    private func value(_ key: String) -> TOMLValueConvertible? {
        read.insert(key)
        return table[key]
    }

    func string(_ key: String) throws(ConfigError) -> String? {
        guard let v = value(key) else { return nil }
        guard let s = v.string else { throw error(key, "must be a string") }
        return s
    }

    func bool(_ key: String) throws(ConfigError) -> Bool? {
        guard let v = value(key) else { return nil }
        guard v.type == .bool, let b = v.bool else { throw error(key, "must be true or false") }
        return b
    }

    func requiredString(_ key: String) throws(ConfigError) -> String {
        guard let s = try string(key) else { throw error(key, "is required") }
        guard !s.trimmingCharacters(in: .whitespaces).isEmpty else { throw error(key, "must not be empty") }
        return s
    }

    func stringArray(_ key: String) throws(ConfigError) -> [String]? {
        guard let v = value(key) else { return nil }
        guard let array = v.array else { throw error(key, "must be an array of strings") }
        var out: [String] = []
        for item in array {
            guard let s = item.string else { throw error(key, "must be an array of strings") }
            out.append(s)
        }
        return out
    }

    /// A name shown to people (a scheme's, a unit's, an indicator's): at most
    /// ``Limits/textCharacters`` characters, as central takes.
    func requiredName(_ key: String) throws(ConfigError) -> String {
        let name = try requiredString(key)
        guard name.count <= Limits.textCharacters else { throw error(key, "must be at most \(Limits.textCharacters) characters") }
        return name
    }

    /// A number, exactly as written: integers, or decimals written as TOML floats
    /// (`0.70`, read back through their shortest decimal form) or as strings (`"0.70"`).
    /// A number within ``Limits`` (at most 12 digits before the point, 6 after).
    func exact(_ key: String) throws(ConfigError) -> Exact? {
        guard let v = value(key) else { return nil }
        let tooLarge = (v.type == .double && v.double?.isFinite == true)
            || (v.string.map { DecimalText.looksNumeric($0.trimmingCharacters(in: .whitespaces)) } ?? false)
        guard let n = TOMLReader.exact(of: v), TOMLReader.withinLimits(n) else {
            guard tooLarge || TOMLReader.exact(of: v) != nil else { throw error(key, "must be a number") }
            throw error(key, "must have at most \(Limits.integerDigits) digits before the point and \(Limits.decimalPlaces) after it")
        }
        return n
    }

    /// Whether `n` is written exactly with at most ``Limits/decimalPlaces`` decimals
    /// and ``Limits/integerDigits`` digits before the point (0.00000001 is not 0).
    static func withinLimits(_ n: Exact) -> Bool {
        let text = n.plainString(maxPlaces: Limits.decimalPlaces)
        return Exact(decimal: text) == n && Limits.fits(canonical: text)
    }

    /// The longest duration a setting may have: beyond a year nothing waits on purpose,
    /// and every sleep and deadline computed from it stays far from overflowing.
    static let longestDuration: Duration = .seconds(366 * 86_400)

    static func exact(of v: TOMLValueConvertible) -> Exact? {
        if v.type == .int, let i = v.int { return Exact(i) }
        if v.type == .double, let d = v.double, d.isFinite { return Exact(decimal: "\(d)") }
        if v.type == .string, let s = v.string { return Exact(decimal: s.trimmingCharacters(in: .whitespaces)) }
        return nil
    }

    /// A duration: `500ms`, `5s`, `10m`, `1h`, or a bare number of seconds.
    func duration(_ key: String) throws(ConfigError) -> Duration? {
        guard let v = value(key) else { return nil }
        let duration: Duration
        if v.type == .int, let i = v.int, i >= 0 {
            guard i <= TOMLReader.longestDuration.components.seconds else { throw error(key, "must be at most 366 days") }
            duration = .seconds(i)
        } else if let s = v.string, let d = Units.duration(s) {
            duration = d
        } else {
            throw error(key, "must be a duration like \"500ms\", \"5s\", \"10m\" or \"1h\"")
        }
        guard duration <= TOMLReader.longestDuration else { throw error(key, "must be at most 366 days") }
        return duration
    }

    /// A size: `64MiB`, `512KiB`, `1GiB`, or a bare number of bytes.
    func size(_ key: String) throws(ConfigError) -> Int64? {
        guard let v = value(key) else { return nil }
        if v.type == .int, let i = v.int, i > 0 { return Int64(i) }
        guard let s = v.string, let n = Units.size(s) else {
            throw error(key, "must be a size like \"64MiB\", \"512KiB\" or \"1GiB\"")
        }
        return n
    }

    func table(_ key: String) throws(ConfigError) -> TOMLReader? {
        guard let v = value(key) else { return nil }
        guard let t = v.table else { throw error(key, "must be a table") }
        return TOMLReader(file: file, path: keyPath(key), table: t, source: source)
    }

    /// The tables of an array of tables (`[[source]]`), each with its index in the path.
    func tables(_ key: String) throws(ConfigError) -> [TOMLReader] {
        guard let v = value(key) else { return [] }
        guard let array = v.array else { throw error(key, "must be an array of tables ([[\(key)]])") }
        var out: [TOMLReader] = []
        for (i, item) in array.enumerated() {
            guard let t = item.table else { throw error(key, "must be an array of tables ([[\(key)]])") }
            out.append(TOMLReader(file: file, path: "\(keyPath(key))[\(i + 1)]", table: t, source: source))
        }
        return out
    }

    /// The raw value of `key` as an inline table of numbers (`targets = { shouning = 2 }`).
    func numberTable(_ key: String) throws(ConfigError) -> [String: Exact]? {
        guard let v = value(key) else { return nil }
        guard let t = v.table else { throw error(key, "must be a table of numbers, like { shouning = 2 }") }
        var out: [String: Exact] = [:]
        for k in t.keys {
            guard let item = t[k], let n = TOMLReader.exact(of: item) else {
                throw error("\(key).\(k)", "must be a number")
            }
            guard TOMLReader.withinLimits(n) else {
                throw error("\(key).\(k)", "must have at most \(Limits.integerDigits) digits before the point and \(Limits.decimalPlaces) after it")
            }
            out[k] = n
        }
        return out
    }

    /// Fails on the first key of this table that nothing read: a typo or a key this
    /// version does not know.
    func rejectUnknownKeys() throws(ConfigError) {
        for key in table.keys.sorted() where !read.contains(key) {
            throw error(key, "unknown key")
        }
    }
}
