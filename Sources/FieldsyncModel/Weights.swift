import Foundation

/// How the two parts of the total are weighed (指标考核 70 %, 公众评议 30 %).
public struct Weights: Sendable, Hashable {
    public var indicators: Exact
    public var `public`: Exact

    public init(indicators: Exact, public: Exact) {
        self.indicators = indicators
        self.public = `public`
    }
}
