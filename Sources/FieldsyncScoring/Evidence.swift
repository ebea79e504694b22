import FieldsyncModel

/// What is in force for one unit and indicator (SPEC §4.1): the latest report and the
/// latest spot-check, each by observed_at, then revision, then id. Both are kept, not
/// just the winner, because verification (§5.4) compares them.
public struct Evidence: Sendable, Hashable {
    public var report: Exact?
    public var spotcheck: Exact?

    public init(report: Exact? = nil, spotcheck: Exact? = nil) {
        self.report = report
        self.spotcheck = spotcheck
    }

    /// The value that scores: the spot-check when there is one, else the report.
    public var value: Exact? { spotcheck ?? report }

    public var source: ValueSource {
        spotcheck != nil ? .spotcheck : report != nil ? .report : .none
    }
}
