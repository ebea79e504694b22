import Glibc

/// The fields a record may have (SPEC §4).
public enum RecordField: Int, CaseIterable, Sendable {
    case id, kind, period, unit, indicator, value, deduction, score, respondents, observedAt, revision, action, note, by

    /// The name as written in files.
    public var name: String {
        switch self {
        case .observedAt: "observed_at"
        default: String(describing: self)
        }
    }

    static let byName: [String: RecordField] = Dictionary(uniqueKeysWithValues: allCases.map { ($0.name, $0) })

    public init?(name: String) {
        guard let f = RecordField.byName[name] else { return nil }
        self = f
    }
}
