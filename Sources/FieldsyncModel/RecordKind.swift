/// What a record is about (SPEC §4).
public enum RecordKind: String, Sendable, Hashable, CaseIterable {
    /// A unit's self-assessed value of an indicator (自评).
    case report
    /// An inspector's verified value of an indicator (抽查); beats reports.
    case spotcheck
    /// A problem a site visit found (察访核验), deducted from the unit's total.
    case finding
    /// A public-evaluation result (公众评议).
    case survey
}

extension RecordKind {
    /// The kind a file names, in any letter case. Compares with each name instead of
    /// going through `init(rawValue:)`'s generic string switch: this runs for every record.
    /// What clerks call each kind: 自评 (a self-assessment report), 抽查 (a spot-check),
    /// 问题 (a finding), 测评 (a public-evaluation survey).
    public var chineseName: String {
        switch self {
        case .report: "自评"
        case .spotcheck: "抽查"
        case .finding: "问题"
        case .survey: "测评"
        }
    }

    /// By its name (any letter case) or its Chinese name.
    public init?(named name: String) {
        // The file's usual spelling first, without a loop.
        if let kind = RecordKind(rawValue: name) {
            self = kind
            return
        }
        for kind in RecordKind.allCases where kind.rawValue == name || kind.chineseName == name {
            self = kind
            return
        }
        guard let kind = RecordKind(rawValue: name.lowercased()) else { return nil }
        self = kind
    }
}
