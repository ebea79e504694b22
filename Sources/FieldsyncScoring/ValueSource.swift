/// Where an indicator's value came from: a verified spot-check (抽查) beats a unit's
/// self-report (自评), and no value scores nothing.
public enum ValueSource: String, Sendable, Hashable {
    case spotcheck, report, none

    /// As people read it, Chinese first: 抽查 spot-check, 自评 report, 无 none.
    public var label: String {
        switch self {
        case .spotcheck: "抽查 spot-check"
        case .report: "自评 report"
        case .none: "无 none"
        }
    }
}
