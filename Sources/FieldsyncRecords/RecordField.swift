import Glibc

/// The fields a record may have (SPEC §4).
public enum RecordField: Int, CaseIterable, Sendable {
    case id, kind, period, unit, indicator, value, deduction, score, respondents, observedAt, revision, action, note, by
    /// A fill-in workbook's row: the revision it was made from (``Record/Basis``).
    case basedOn

    /// The name as written in files.
    public var name: String {
        switch self {
        case .observedAt: "observed_at"
        case .basedOn: "based_on"
        default: String(describing: self)
        }
    }

    /// The Chinese names a header (or a JSON key) may give the field, as clerks write
    /// them: the first is the one templates use.
    public var chineseNames: [String] {
        switch self {
        case .id: ["编号", "记录编号"]
        case .kind: ["类型", "类别", "记录类型"]
        case .period: ["期间", "年度", "考核期间"]
        case .unit: ["单位", "被评单位", "单位代码"]
        case .indicator: ["指标", "评估指标", "指标代码"]
        case .value: ["数值", "完成值", "实际值"]
        case .deduction: ["扣分"]
        case .score: ["得分", "测评得分"]
        case .respondents: ["参评人数", "测评人数"]
        case .observedAt: ["日期", "观测日期", "核查日期", "填报日期"]
        case .revision: ["版本", "修订号"]
        case .action: ["操作"]
        case .note: ["备注"]
        case .by: ["填报人", "核查人"]
        case .basedOn: ["基于版本"]
        }
    }

    static let byName: [String: RecordField] = {
        var names: [String: RecordField] = [:]
        for field in allCases {
            names[field.name] = field
            for chinese in field.chineseNames { names[chinese] = field }
        }
        return names
    }()

    /// By its name, its Chinese name, or its name in other letter case (`ID`).
    public init?(name: String) {
        guard let f = RecordField.byName[name] ?? RecordField.byName[name.lowercased()] else { return nil }
        self = f
    }

    /// Every name a header may use, for an error that lists them: `id/编号, kind/类型, …`.
    static let acceptedNames = allCases.map { "\($0.name)/\($0.chineseNames.joined(separator: "/"))" }.joined(separator: ", ")
}
