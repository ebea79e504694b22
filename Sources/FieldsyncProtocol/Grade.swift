import Foundation

/// The four grades of the evaluation plan.
public enum Grade: String, Sendable, Hashable, CaseIterable {
    case excellent, good, average, poor

    /// The grade as the plan writes it: 优秀, 良, 一般, 差.
    public var chinese: String {
        switch self {
        case .excellent: "优秀"
        case .good: "良"
        case .average: "一般"
        case .poor: "差"
        }
    }
}
