import FieldsyncModel

/// The header row of a table — a CSV file's first line, a sheet's first row — read the
/// same way for both: its names map columns to fields; a name given twice, an unknown
/// one, or no `id` at all is a problem at `location`.
struct TableHeader {
    /// The field of each column (nil: a column without a name, or an unknown one).
    var columns: [RecordField?]
    /// A header that cannot be read: the rows under it are not.
    var broken: Bool
    /// A fill-in template's header (`fieldsync template`): it has the 填写说明 column.
    /// Its informational columns are not fields, and a row whose value is left empty
    /// is no record (``isUnfilled(_:)``).
    var isTemplate: Bool
    /// The template's informational columns, by index: not read.
    var informationalColumns: Set<Int> = []

    /// What a template shows for information only, not read as fields.
    static let informational: Set<String> = ["方面", "满分", "目标", "填写说明"]
    static let templateMarker = "填写说明"

    init(names rawNames: [String], at location: RecordLocation, problem: (Problem) -> Void) {
        let names = rawNames.map { $0.trimmingCharacters(in: .whitespaces) }
        broken = false
        isTemplate = names.contains(Self.templateMarker)
        columns = names.map { RecordField(name: $0) }
        // A field named twice, in one language or in two (`id` and `编号`).
        var seen = Set<RecordField>()
        for (name, field) in zip(names, columns) {
            if let field, !seen.insert(field).inserted {
                problem(Problem(location, field: name, zh: "表头中字段重复", en: "the header names this field twice"))
                broken = true
            }
        }
        if !columns.contains(.id) {
            if names.count == 1, let only = names.first, only.contains(";") || only.contains("\t") {
                // Excel in a European locale writes ';', "Unicode text" tabs.
                let (zh, en) = only.contains(";") ? ("分号", "semicolons") : ("制表符", "tabs")
                problem(Problem(location, zh: "这个 CSV 文件用\(zh)分隔;请用逗号分隔另存(Excel:“CSV UTF-8(逗号分隔)”),或直接提交 .xlsx",
                                en: "this CSV file is separated by \(en), not commas; save it as \"CSV UTF-8 (Comma delimited)\" or drop the .xlsx instead"))
            } else {
                problem(Problem(location, zh: "第一行必须是表头(字段名,如 id/编号, kind/类型, period/期间, unit/单位, …)",
                                en: "the first line must be a header row of field names (id/编号, kind/类型, period/期间, unit/单位, …)"))
            }
            broken = true
        }
        for (index, name) in names.enumerated() where !name.isEmpty && RecordField(name: name) == nil {
            if isTemplate && Self.informational.contains(name) {
                informationalColumns.insert(index)
                continue
            }
            problem(Reason.unknownField(location, name))
        }
    }

    /// Each field's column as a sheet names it (`F`), by ``RecordField`` position.
    var columnLetters: [String?] {
        var letters = [String?](repeating: nil, count: RecordField.allCases.count)
        for (index, field) in columns.enumerated() {
            if let field { letters[field.rawValue] = CellReference(row: 1, column: index).columnLetters }
        }
        return letters
    }

    /// In a template, a row whose value (数值, 扣分 or 得分) was left empty: the clerk had
    /// nothing to report for it, and it is skipped, not refused.
    func isUnfilled(_ raw: RawRecord) -> Bool {
        isTemplate && raw[.value] == nil && raw[.deduction] == nil && raw[.score] == nil && raw[.action] == nil
    }
}
