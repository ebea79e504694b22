/// `[metrics]`: where the daemon writes its metrics, in Prometheus's text format, for
/// node_exporter's textfile collector to read. The daemon itself never listens.
public struct MetricsSettings: Sendable, Equatable {
    /// The file written (atomically: a temporary file renamed over it); nil: the
    /// default, `state_dir/metrics.prom` — which node_exporter cannot read in the 0750
    /// state directory, so a monitored office points this at its textfile directory.
    public var textfile: String?
    /// How often it is written.
    public var interval: Duration = .seconds(5)

    public init(textfile: String? = nil) { self.textfile = textfile }

    /// The file metrics go to for a daemon whose state directory is `stateDirectory`.
    public func path(stateDirectory: String) -> String { textfile ?? stateDirectory + "/metrics.prom" }
}
