import Foundation

/// How the office-wide value of an indicator is formed from its units' values (SPEC §5.3).
public enum Aggregate: String, Sendable, Hashable, CaseIterable {
    case sum, mean, min, max
    /// The fraction of units whose indicator is met.
    case shareMet = "share_met"
    /// One unit's value stands for the office.
    case unit
}
