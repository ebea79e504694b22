import Foundation

/// How an indicator's value becomes points (SPEC §5.1).
public enum Rule: String, Sendable, Hashable, CaseIterable {
    /// p × min(1, v / t): partial credit towards a target.
    case ratio
    /// p if v ≥ t, else 0.
    case threshold
    /// p if v = 1 (done / yes), else 0.
    case boolean
    /// max(0, p − v × per): v counts incidents.
    case deduct
    /// min(p, v): v is the points an assessor awarded.
    case manual
}
