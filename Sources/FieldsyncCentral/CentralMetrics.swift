import FieldsyncProtocol
import Foundation
import Prometheus

/// Central's metrics, served at `GET /metrics` in Prometheus's text format.
///
/// Two kinds: what this receiver answered — pushes by status and by the office whose
/// token pushed (`""` for a push without a known token, or on a receiver that takes
/// any push), counted in memory since it started, as Prometheus expects of a counter
/// that each receiver behind one address reports for itself and a query sums — and
/// what the database holds, read from it (again only after a document was stored) so
/// that every receiver says the same: documents and last push time per office, and whether the database answers.
/// swift-prometheus renders both (its registry, directly: help text for every series).
final class CentralMetrics: Sendable {
    private let answered = PrometheusCollectorRegistry()
    /// One text for the counter wherever it is made: the registry refuses two.
    private static let pushesHelp = "Pushes this receiver answered since it started, by the token's office and HTTP status."
    /// The offices' part, rendered again only when a document was stored since.
    private let offices = MarkedCache<Int, String>()

    init() {
        // Present from the start, at 0 until a push is answered: "none" is not "unknown".
        _ = answered.makeCounter(
            descriptor: .named("fieldsync_central_pushes_total",
                               help: Self.pushesHelp),
            labels: [("office", ""), ("status", "201")])
    }

    /// Counts one answered push.
    func countPush(office: String?, status: Int) {
        answered.makeCounter(
            descriptor: .named("fieldsync_central_pushes_total",
                               help: Self.pushesHelp),
            labels: [("office", office ?? ""), ("status", String(status))])
            .increment()
    }

    /// The text of `GET /metrics`: this receiver's counts, then the database's.
    func text(store: any DocumentStorage) async -> String {
        let healthy = await store.isHealthy()
        let up = PrometheusCollectorRegistry()
        up.makeGauge(
            descriptor: .named("fieldsync_central_database_up",
                               help: "1 when the database answers (as /healthz says), else 0.")).set(Int64(healthy ? 1 : 0))
        var text = answered.emitToString() + up.emitToString()
        if healthy, let mark = try? await store.changeMark(),
           let held = try? await offices.value(0, at: mark, render: { try await Self.officesText(store) }) {
            text += held
        }
        return text
    }

    /// Each office's last push and periods. Reading them is a pass over every document
    /// (a nation's year is millions): kept per change mark, as the overview is.
    private static func officesText(_ store: any DocumentStorage) async throws -> String {
        let held = PrometheusCollectorRegistry()
        for office in try await store.offices() {
            held.makeGauge(
                descriptor: .named("fieldsync_central_last_push_timestamp_seconds",
                                   help: "When the office's newest document arrived (Unix time), as the database holds it."),
                labels: [("office", office.office)])
                .set(Int64((Timestamp.parse(office.lastPushAt, zone: .gmt)?.microseconds ?? 0) / 1_000_000))
            held.makeGauge(
                descriptor: .named("fieldsync_central_periods",
                                   help: "Periods the office has documents for."),
                labels: [("office", office.office)])
                .set(Int64(office.periods))
        }
        return held.emitToString()
    }
}

extension MetricNameDescriptor {
    /// A metric called `name`, exactly (no namespace or unit added to it), with its
    /// `# HELP` text.
    fileprivate static func named(_ name: String, help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }
}
