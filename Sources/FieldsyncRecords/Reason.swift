import FieldsyncModel

/// The reasons of `Problem`s, worded once.
enum Reason {
    static func quoted(_ s: String) -> String {
        let cut = s.count > 60 ? String(s.prefix(60)) + "…" : s
        return "\"" + cut.replacingOccurrences(of: "\n", with: "\\n") + "\""
    }

    static let unsupportedFileType = Problem(.file, zh: "不支持的文件类型;请存为 .xlsx、.csv(逗号分隔)、.json 或 .jsonl",
                                             en: "unsupported file type; save it as .xlsx, .csv (comma separated), .json or .jsonl")

    static func required(_ at: RecordLocation, _ field: String) -> Problem {
        Problem(at, field: field, zh: "缺少必填字段", en: "is required")
    }

    static func unknownField(_ at: RecordLocation, _ field: String) -> Problem {
        Problem(at, field: field, zh: "未知字段(可用的字段名:\(RecordField.acceptedNames))",
                en: "unknown field (the field names are: \(RecordField.acceptedNames))")
    }

    static func notUsed(_ at: RecordLocation, _ field: String, kind: RecordKind) -> Problem {
        Problem(at, field: field, zh: "\(kind.rawValue) 类记录不使用此字段", en: "is not used by kind \(kind.rawValue)")
    }

    static func invalid(_ at: RecordLocation, _ field: String, _ got: String, zh: String, en: String) -> Problem {
        Problem(at, field: field, zh: "\(zh),实际为 \(quoted(got))", en: "\(en), got \(quoted(got))")
    }
}
