import FieldsyncTesting
import Foundation
import Glibc
import Testing

/// The daemon's metrics as an operator's monitoring reads them: present from the
/// start, counted from the store (so a restart or another process says the same), in
/// a textfile the running daemon keeps fresh for node_exporter — and a textfile it
/// cannot write is a warning, never a stopped daemon.
@Suite("Metrics")
struct MetricsTests {
    /// `fieldsync run` on `site`, writing its metrics to `textfile` every second, started.
    static func daemon(_ site: TestSite, textfile: String) throws -> DaemonProcess {
        try site.writeConfig("""
            [metrics]
            textfile = "\(textfile)"
            interval = "1s"
            """)
        let daemon = try DaemonProcess(configPath: site.configPath)
        try daemon.waitUntilStarted()
        return daemon
    }

    @Test("Before any file every series is there at zero, so an alert tells none from unknown")
    func zerosFromTheStart() throws {
        let site = try TestSite()
        let run = try runFieldsync(["metrics", "--config", site.configPath])
        #expect(run.status == 0, "\(run.errors)")
        for source in TestSite.sources {
            for outcome in ["accepted", "duplicate", "rejected"] {
                #expect(PrometheusText.value(run.output, "fieldsync_files_total{source=\"\(source)\",outcome=\"\(outcome)\"}") == 0)
            }
            for action in ["imported", "updated", "ignored", "retracted"] {
                #expect(PrometheusText.value(run.output, "fieldsync_records_total{source=\"\(source)\",action=\"\(action)\"}") == 0)
            }
            #expect(PrometheusText.value(run.output, "fieldsync_files_waiting{source=\"\(source)\"}") == 0)
            #expect(PrometheusText.value(run.output, "fieldsync_source_last_accepted_timestamp_seconds{source=\"\(source)\"}") == 0)
            #expect(PrometheusText.value(run.output, "fieldsync_answer_seconds_count{source=\"\(source)\"}") == 0)
        }
        for outcome in ["delivered", "retry", "dead", "no_answer"] {
            #expect(PrometheusText.value(run.output, "fieldsync_delivery_attempts_total{outcome=\"\(outcome)\"}") == 0)
        }
        #expect(PrometheusText.value(run.output, "fieldsync_last_delivery_timestamp_seconds") == 0)
        for state in ["pending", "dead", "delivered"] {
            #expect(PrometheusText.value(run.output, "fieldsync_outbox_documents{period=\"2026\",state=\"\(state)\"}") == 0, "the scheme's period")
        }
        #expect(run.output.contains("# HELP fieldsync_files_total "), "every series says what it is")
        #expect(run.output.contains("fieldsync_build_info{version=\""))
    }

    @Test("Files and records per source, a rejection, a duplicate and a file waiting are counted from the store")
    func countsFromTheStore() throws {
        let site = try TestSite()
        try site.drop("shouning", "a.csv", Records.reportsCSV(unit: "shouning", prefix: "a", count: 3))
        try site.drop("shouning", "b.csv", Records.reportsCSV(unit: "shouning", prefix: "a", count: 3))  // the same bytes
        try site.drop("fuan", "bad.csv", "id,kind\nx,nonsense\n")
        let before = Int(time(nil))
        _ = try runFieldsync(["ingest", "--config", site.configPath])  // its status says a file was refused
        try site.drop("survey", "later.csv", "waiting")  // not ingested: waits
        // Another process than the one that ingested: what it prints is the store's.
        let run = try runFieldsync(["metrics", "--config", site.configPath])
        #expect(run.status == 0, "\(run.errors)")
        let text = run.output
        #expect(PrometheusText.value(text, #"fieldsync_files_total{source="shouning",outcome="accepted"}"#) == 1)
        #expect(PrometheusText.value(text, #"fieldsync_files_total{source="shouning",outcome="duplicate"}"#) == 1)
        #expect(PrometheusText.value(text, #"fieldsync_files_total{source="fuan",outcome="rejected"}"#) == 1)
        #expect(PrometheusText.value(text, #"fieldsync_records_total{source="shouning",action="imported"}"#) == 3)
        #expect(PrometheusText.value(text, #"fieldsync_records_total{source="shouning",action="ignored"}"#) == 3, "the duplicate's")
        #expect(PrometheusText.value(text, #"fieldsync_files_waiting{source="survey"}"#) == 1)
        #expect(PrometheusText.value(text, #"fieldsync_answer_seconds_count{source="shouning"}"#) == 2)
        #expect(PrometheusText.value(text, #"fieldsync_answer_seconds_count{source="fuan"}"#) == 1)
        let last = try #require(PrometheusText.value(text, #"fieldsync_source_last_accepted_timestamp_seconds{source="shouning"}"#))
        #expect(Int(last) >= before - 1 && Int(last) <= Int(time(nil)) + 1)
        // Once more: nothing is counted twice by reading.
        #expect(try runFieldsync(["metrics", "--config", site.configPath]).output.contains(
            #"fieldsync_files_total{source="shouning",outcome="accepted"} 1"#))
    }

    @Test("The running daemon keeps the textfile fresh, readable by node_exporter's user (0644)")
    func daemonWritesTheTextfile() throws {
        let site = try TestSite()
        let directory = site.root + "/textfile"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let daemon = try Self.daemon(site, textfile: directory + "/fieldsync.prom")
        defer { daemon.kill() }
        try site.drop("shouning", "a.csv", Records.reportsCSV(unit: "shouning", prefix: "a", count: 2))
        let series = #"fieldsync_files_total{source="shouning",outcome="accepted"}"#
        try waitUntil("the textfile counting the accepted file", watching: [directory]) {
            let text = (try? String(contentsOfFile: directory + "/fieldsync.prom", encoding: .utf8)) ?? ""
            return PrometheusText.value(text, series) == 1
        }
        daemon.signal(SIGTERM)  // stopped, so that no rewrite is half-way when the directory is listed
        #expect(daemon.waitForExit(timeout: .seconds(20))?.status == 0)
        var status = stat()
        #expect(stat(directory + "/fieldsync.prom", &status) == 0)
        #expect(status.st_mode & 0o777 == 0o644)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
        #expect(names == ["fieldsync.prom"], "no temporary file is left beside it")
    }

    @Test("A textfile that cannot be written is a warning; the daemon goes on answering files")
    func unwritableTextfileIsAWarning() throws {
        let site = try TestSite()
        let daemon = try Self.daemon(site, textfile: site.root + "/no-such-directory/fieldsync.prom")
        defer { daemon.kill() }
        try daemon.waitForLog("cannot write the metrics textfile")
        try site.drop("shouning", "a.csv", Records.reportsCSV(unit: "shouning", prefix: "a", count: 2))
        try waitUntil("a receipt", watching: [site.dir("shouning") + "/receipts"]) {
            site.exists(site.receiptPath("shouning", "a.csv"))
        }
        #expect(daemon.isRunning)
        #expect(daemon.stderr.components(separatedBy: "cannot write the metrics textfile").count == 2, "warned once, not every round")
    }
}
