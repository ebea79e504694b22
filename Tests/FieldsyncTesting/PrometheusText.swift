/// Reads Prometheus's text format as the tests need it: one series' value.
package enum PrometheusText {
    /// The value of `series` — its name and labels exactly as written, e.g.
    /// `fieldsync_files_total{source="shouning",outcome="accepted"}` — or nil when absent.
    package static func value(_ text: String, _ series: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }
}
