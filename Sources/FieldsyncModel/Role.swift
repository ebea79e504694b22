import Foundation

/// What a drop directory's owner may submit (SPEC §2).
public enum Role: String, Sendable, Hashable, CaseIterable {
    /// A county or city office: reports (自评) for its own unit only.
    case reporter
    /// Spot-check inspectors (抽查, 察访核验): spot-checks and findings for any unit.
    case inspector
    /// The survey office (公众评议): public-evaluation results for any unit.
    case survey

    public var kinds: Set<RecordKind> { Set(RecordKind.allCases.filter(maySubmit)) }

    /// Whether this role may submit records of `kind`: the one table of rights, a
    /// switch because it is checked for every record.
    public func maySubmit(_ kind: RecordKind) -> Bool {
        switch (self, kind) {
        case (.reporter, .report), (.inspector, .spotcheck), (.inspector, .finding), (.survey, .survey): true
        default: false
        }
    }
}
