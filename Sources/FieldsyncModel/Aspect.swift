import Foundation

/// The two aspects the plan groups indicators into.
public enum Aspect: String, Sendable, Hashable, CaseIterable {
    /// 部门业务工作实绩 — business performance.
    case business
    /// 行政能力建设 — administrative capacity.
    case capacity

    /// The plan's word for it.
    public var chinese: String {
        switch self {
        case .business: "部门业务工作实绩"
        case .capacity: "行政能力建设"
        }
    }
}
