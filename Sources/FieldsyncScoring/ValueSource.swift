/// Where an indicator's value came from: a verified spot-check (抽查) beats a unit's
/// self-report (自评), and no value scores nothing.
public enum ValueSource: String, Sendable, Hashable {
    case spotcheck, report, none
}
