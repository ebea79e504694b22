/// One thing wrong with a dropped file, said so a county clerk can fix it: where
/// (line or array index), which field, and why — in Chinese and in English.
public struct Problem: Error, Sendable, Hashable, CustomStringConvertible {
    public var location: RecordLocation
    public var field: String?
    /// The reason in Chinese.
    public var zh: String
    /// The reason in English.
    public var en: String

    public init(_ location: RecordLocation, field: String? = nil, zh: String, en: String) {
        self.location = location
        self.field = field
        self.zh = zh
        self.en = en
    }

    /// One line of an errors file, e.g.
    /// `第12行 line 12 · 字段 field "value" · 必须是不小于0的数 / must be a number ≥ 0, got "-3"`.
    public var description: String {
        var s = "\(location.chinese) \(location)"
        if let field { s += " · 字段 field \"\(field)\"" }
        return s + " · \(zh) / \(en)"
    }
}
