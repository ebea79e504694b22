/// Whether a revision sets a record or withdraws it.
public enum RecordAction: String, Sendable, Hashable, CaseIterable {
    case upsert, retract

    /// 更新 (set, or correct) and 撤回 (withdraw).
    public var chineseName: String {
        switch self {
        case .upsert: "更新"
        case .retract: "撤回"
        }
    }

    /// By its name (any letter case) or its Chinese name.
    public init?(named name: String) {
        guard let action = RecordAction.allCases.first(where: { $0.rawValue == name || $0.chineseName == name })
            ?? RecordAction(rawValue: name.lowercased()) else { return nil }
        self = action
    }
}
