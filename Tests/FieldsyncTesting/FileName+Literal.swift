import FieldsyncSystem

/// Names written as literals in tests: `"report.json"` where a `FileName` is expected.
extension FileName: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) {
        self = FileName(value)!
    }
}
