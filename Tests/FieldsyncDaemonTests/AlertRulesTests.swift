import FieldsyncTesting
import Foundation
import Testing

/// docs/fieldsync-alerts.yml names only series that exist: an alert on a misspelt or
/// renamed metric never fires, and nobody notices until the day it should have.
@Suite("Alert rules")
struct AlertRulesTests {
    @Test("Every fieldsync series the alert rules name is one the daemon or central writes")
    func rulesNameRealSeries() throws {
        let rules = try String(contentsOfFile: repositoryRoot() + "/docs/fieldsync-alerts.yml", encoding: .utf8)
        let named = Set(rules.matches(of: /fieldsync_[a-z_]+/).map { String($0.output) })
        #expect(named.count >= 5, "\(named)")
        let site = try TestSite()
        let daemon = try runFieldsync(["metrics", "--config", site.configPath]).output
        let central = try String(contentsOfFile: repositoryRoot() + "/Sources/FieldsyncCentral/CentralMetrics.swift", encoding: .utf8)
        for series in named {
            let written = daemon.split(separator: "\n").contains { $0.hasPrefix("# TYPE \(series) ") }
                || central.contains("\"\(series)\"")
            #expect(written, "\(series) is named by an alert but written by nobody")
        }
    }
}
