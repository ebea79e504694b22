import FieldsyncModel

/// The header row of a table — a CSV file's first line, a sheet's first row — read the
/// same way for both: its names map columns to fields; a name given twice, an unknown
/// one, or no `id` at all is a problem at `location`.
struct TableHeader {
    /// The field of each column (nil: a column without a name, or an unknown one).
    var columns: [RecordField?]
    /// A header that cannot be read: the rows under it are not.
    var broken: Bool

    init(names rawNames: [String], at location: RecordLocation, problem: (Problem) -> Void) {
        let names = rawNames.map { $0.trimmingCharacters(in: .whitespaces) }
        broken = false
        var seen = Set<String>()
        for name in names where !name.isEmpty {
            if !seen.insert(name).inserted {
                problem(Problem(location, field: name, zh: "表头中字段重复", en: "the header names this field twice"))
                broken = true
            }
        }
        if !names.contains("id") {
            problem(Problem(location, zh: "第一行必须是表头(字段名,如 id,kind,period,unit,…)",
                            en: "the first line must be a header row of field names (id,kind,period,unit,…)"))
            broken = true
        }
        columns = names.map { RecordField(name: $0) }
        for name in names where !name.isEmpty && RecordField(name: name) == nil {
            problem(Reason.unknownField(location, name))
        }
    }
}
