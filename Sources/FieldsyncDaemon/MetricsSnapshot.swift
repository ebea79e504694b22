import FieldsyncConfig
import FieldsyncDelivery
import FieldsyncIntake
import FieldsyncProtocol
import FieldsyncStore
import Foundation
import Prometheus

/// The daemon's metrics at one moment, in Prometheus's text format: what the
/// `[metrics] textfile` holds and `fieldsync metrics` prints.
///
/// Everything is read from the store and the drop directories each time (the drop
/// listings `status` makes, the ledger's and the outbox's totals), none of it counted in
/// memory: a restart resets nothing, the daemon and `fieldsync metrics` say the same,
/// and a series is there from the start with its zero, so that an alert can tell
/// "none" from "unknown". swift-prometheus's registry builds and renders them; its
/// registry is used directly rather than through swift-metrics' API, which has no
/// help text and counts only in memory.
public struct MetricsSnapshot: Sendable {
    /// The text, ready to write.
    public let text: String

    /// Drop → answer buckets, seconds: a file is answered in milliseconds unless it
    /// waits for its writer or a large workbook is read.
    static let answerBuckets: [Duration] = [.milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
                                            .seconds(1), .seconds(2), .seconds(5), .seconds(10), .seconds(30),
                                            .seconds(60), .seconds(300)]

    /// Gathers the metrics of `setup`'s daemon from `store` and its drop directories.
    public static func gather(setup: Setup, store: Store, version: String) throws -> MetricsSnapshot {
        let config = setup.config
        // What status shows of the drop directories and the outbox, without what metrics
        // do not need every few seconds (records in force, which count the revisions).
        let now = Timestamp.now()
        let listings = StatusReport.listings(config)
        let (totals, attempts, periods) = try store.writer.read { db in
            (try Ledger.totals(db), try Outbox.attemptsByStatus(db), try Outbox.periodStatus(db, now: now))
        }
        let registry = PrometheusCollectorRegistry()
        registry.makeGauge(
            descriptor: .named("fieldsync_build_info",
                               help: "The running build (git describe) and the office it serves; always 1."),
            labels: [("version", version), ("office", config.office)]).set(Int64(1))

        for source in config.sources {
            let t = totals[source.name] ?? SourceTotals()
            let listing = listings[source.name] ?? DropListing()
            for outcome in LedgerOutcome.allCases {
                registry.makeCounter(
                    descriptor: .named("fieldsync_files_total",
                                       help: "Files answered, by source and outcome (accepted, duplicate: the same bytes again, rejected)."),
                    labels: [("source", source.name), ("outcome", outcome.rawValue)])
                    .increment(by: Int64(t.files[outcome] ?? 0))
            }
            for (action, n) in [("imported", t.imported), ("updated", t.updated), ("ignored", t.ignored), ("retracted", t.retracted)] {
                registry.makeCounter(
                    descriptor: .named("fieldsync_records_total",
                                       help: "Records of answered files, by source and what became of them."),
                    labels: [("source", source.name), ("action", action)])
                    .increment(by: Int64(n))
            }
            registry.makeGauge(
                descriptor: .named("fieldsync_source_last_accepted_timestamp_seconds",
                                   help: "When the source's last accepted file arrived (Unix time); 0 if none ever did. Alert on time() minus this."),
                labels: [("source", source.name)])
                .set(Double(t.lastAcceptedAt.map { $0.microseconds / 1_000_000 } ?? 0))
            registry.makeGauge(
                descriptor: .named("fieldsync_files_waiting",
                                   help: "Files in the source's drop directory not yet answered."),
                labels: [("source", source.name)])
                .set(Int64(listing.files.count))
            registry.makeGauge(
                descriptor: .named("fieldsync_oldest_waiting_seconds",
                                   help: "How long the oldest waiting file has been there; 0 when none waits."),
                labels: [("source", source.name)])
                .set(Double(listing.files.first.map { max(Duration.zero, $0.age(at: now)).components.seconds } ?? 0))
            registry.makeGauge(
                descriptor: .named("fieldsync_source_faulty",
                                   help: "1 when the source's files cannot be answered (its receipts/ or rejected/ is not as it must be), else 0."),
                labels: [("source", source.name)])
                .set(Int64(listing.fault == nil ? 0 : 1))
            let histogram = registry.makeDurationHistogram(
                descriptor: .named("fieldsync_answer_seconds",
                                   help: "From a file's drop (its ctime) to its receipt or rejection being durable."),
                labels: [("source", source.name)], buckets: answerBuckets)
            for time in t.answerTimes { histogram.record(time) }
        }

        // Every period of a scheme, at zero before its first document; and any other
        // period the outbox still holds.
        let outbox = Dictionary(periods.map { ($0.period, $0) }, uniquingKeysWith: { a, _ in a })
        for period in Set(setup.schemes.keys).union(outbox.keys).sorted() {
            let p = outbox[period]
            for (state, n) in [("pending", p?.pending ?? 0), ("dead", p?.dead ?? 0), ("delivered", p?.delivered ?? 0)] {
                registry.makeGauge(
                    descriptor: .named("fieldsync_outbox_documents",
                                       help: "Scores documents in the outbox by period and state (dead: refused by central for good)."),
                    labels: [("period", period), ("state", state)])
                    .set(Int64(n))
            }
        }
        var byOutcome: [String: Int] = ["delivered": 0, "retry": 0, "dead": 0, "no_answer": 0]
        for (status, count) in attempts {
            let outcome: String
            switch status.map({ RetryPolicy.verdict(status: $0, retryAfter: nil) }) {
            case .delivered?: outcome = "delivered"
            case .retry?: outcome = "retry"
            case .dead?: outcome = "dead"
            case nil: outcome = "no_answer"
            }
            byOutcome[outcome, default: 0] += count
        }
        for (outcome, n) in byOutcome.sorted(by: { $0.key < $1.key }) {
            registry.makeCounter(
                descriptor: .named("fieldsync_delivery_attempts_total",
                                   help: "Pushes to central by outcome (delivered: 2xx or 409; retry: 408, 429, 5xx; dead: another 4xx; no_answer: no HTTP answer)."),
                labels: [("outcome", outcome)])
                .increment(by: Int64(n))
        }
        let lastSuccess = periods.compactMap(\.lastSuccessAt).max { $0.microseconds < $1.microseconds }
        registry.makeGauge(
            descriptor: .named("fieldsync_last_delivery_timestamp_seconds",
                               help: "When central last accepted a document (Unix time); 0 if never. Alert on time() minus this."))
            .set(Double(lastSuccess.map { $0.microseconds / 1_000_000 } ?? 0))
        registry.makeGauge(
            descriptor: .named("fieldsync_push_configured",
                               help: "1 when [push] is configured, else 0."))
            .set(Int64(config.push == nil ? 0 : 1))
        return MetricsSnapshot(text: registry.emitToString())
    }
}

extension MetricNameDescriptor {
    /// A metric called `name`, exactly (no namespace or unit added to it), with its
    /// `# HELP` text.
    fileprivate static func named(_ name: String, help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }
}
