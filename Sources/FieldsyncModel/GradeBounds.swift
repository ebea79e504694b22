import FieldsyncProtocol
import Foundation

/// Inclusive lower bounds of the grades (等次); below `average` is poor (差).
public struct GradeBounds: Sendable, Hashable {
    public var excellent: Exact
    public var good: Exact
    public var average: Exact

    public init(excellent: Exact, good: Exact, average: Exact) {
        self.excellent = excellent
        self.good = good
        self.average = average
    }

    public func grade(of total: Exact) -> Grade {
        if total >= excellent { return .excellent }
        if total >= good { return .good }
        if total >= average { return .average }
        return .poor
    }
}
