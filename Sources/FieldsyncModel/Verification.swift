import Foundation

/// Site-visit verification (察访核验): how far a self-report may exceed the verified
/// value before it counts as a discrepancy, and what each discrepancy costs (反弄虚作假).
public struct Verification: Sendable, Hashable {
    public var tolerance: Exact
    public var discrepancyDeduction: Exact

    public init(tolerance: Exact = .zero, discrepancyDeduction: Exact = .zero) {
        self.tolerance = tolerance
        self.discrepancyDeduction = discrepancyDeduction
    }
}
