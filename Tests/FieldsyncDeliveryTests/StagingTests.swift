@testable import FieldsyncDaemon
@testable import FieldsyncDelivery
import FieldsyncProtocol
import FieldsyncTesting
import Foundation
import Glibc
import TestSupport
import Testing

/// Scoring is off the intake path (SPEC §7): intake marks a period changed in the
/// transaction of its records; the courier scores and stages after `debounce`, in a
/// transaction of its own. Nothing is lost or sent twice for it.
@Suite("Staging apart from intake")
struct StagingTests {
    @Test("Intake marks the period changed and scores nothing")
    func intakeOnlyMarks() throws {
        let site = try TestSite.delivering(to: "http://127.0.0.1:9/scores")
        try site.report(2, name: "a.json", staging: false)
        #expect(try site.outbox().isEmpty)
        #expect(try site.changedPeriods() == ["2026"])
        let status = try StatusReport.gather(config: site.setup.config, store: site.store)
        #expect(status.periods.first?.changedAt != nil)
        #expect(status.text.contains("scores not staged yet"), "\(status.text)")
        // Shown to people in the office's zone, with its offset; kept in UTC for machines.
        let local = try StatusReport.gather(config: site.setup.config, store: site.store, zone: site.setup.officeTimeZone)
        #expect(local.text.contains("+08:00"), "\(local.text)")
        #expect(!local.text.contains("Z;") && !local.text.contains("Z\n"), "\(local.text)")
    }

    @Test("An office that just started pushes nothing before its first records, then scores them")
    func nothingBeforeData() throws {
        let site = try TestSite.delivering(to: "http://127.0.0.1:9/scores")
        try site.instance.markSchemesChanged()
        #expect(try site.changedPeriods().isEmpty, "no period marked for a scheme with no data")
        #expect(try site.instance.stageChanged().isEmpty)
        #expect(try site.outbox().isEmpty, "no all-zero document for central")
        try site.report(1, name: "a.json", staging: false)
        #expect(try site.instance.stageChanged().map(\.sequence) == [1])
    }

    @Test("A burst of files costs one scoring: one sequence, with the last file's value")
    func burstScoresOnce() throws {
        let site = try TestSite.delivering(to: "http://127.0.0.1:9/scores")
        for n in 1 ... 20 {
            try site.report(n % 3, name: "r\(n).json", revision: n, staging: false)
        }
        let staged = try site.instance.stageChanged()
        #expect(staged.map(\.sequence) == [1])
        #expect(try site.changedPeriods().isEmpty)
        let document = String(decoding: try site.document(1), as: UTF8.self)
        #expect(document.contains(#""value":2,"source":"report""#), "\(document)")
    }

    @Test("The document staged is handed over as committed, and due posts those bytes without reading them back")
    func stagedDocumentIsTheStoredOne() throws {
        let site = try TestSite.delivering(to: "http://127.0.0.1:9/scores")
        try site.report(3, name: "a.json", staging: false)
        let staged = try #require(try site.instance.stageChanged().first)
        #expect(staged.sequence == 1)
        #expect(staged.document == (try site.document(1)), "the bytes handed over are the bytes committed")
        let now = Timestamp(microseconds: Int64.max / 2)
        let read = try site.store.writer.read { try Outbox.due($0, now: now) }
        let held = try site.store.writer.read { try Outbox.due($0, now: now, held: [staged]) }
        #expect(read == held)
        #expect(held.map(\.document) == [staged.document])
        // A held document of another sequence is never taken for the one due.
        let other = StagedDocument(period: staged.period, sequence: 2, document: Array("{}".utf8))
        let notTaken = try site.store.writer.read { try Outbox.due($0, now: now, held: [other]) }
        #expect(notTaken == read)
    }

    @Test("A change committed while its period was being scored is staged in the next round")
    func changeDuringScoring() throws {
        let site = try TestSite.delivering(to: "http://127.0.0.1:9/scores")
        try site.report(1, name: "a.json", staging: false)
        let setup = site.setup
        let first = try Outbox.stageChanged(store: site.store, office: setup.config.office, schemes: setup.schemes,
                                            afterScoring: { _ in try site.report(2, name: "b.json", revision: 2, staging: false) })
        #expect(first.isEmpty, "scored before b.json: not staged")
        #expect(try site.changedPeriods() == ["2026"], "the mark stays")
        #expect(try site.instance.stageChanged().map(\.sequence) == [1])
        #expect(String(decoding: try site.document(1), as: UTF8.self).contains(#""value":2,"source":"report""#))
    }

    @Test("A store that fails the courier is looked at again in seconds, not after interval")
    func storeFailure() async throws {
        let site = try TestSite.delivering(to: "http://127.0.0.1:9/scores")
        try site.report(1, name: "a.json", staging: false)
        let courier = site.courier { $0.interval = .seconds(3600) }
        try site.store.close()
        #expect(await courier.deliverDue() == Courier.storeRetry)
    }

    @Test("A change committed while a delivery is in flight is delivered right after it")
    func changeDuringDelivery() async throws {
        // The first answer comes late: time enough for the next change to be committed.
        let server = try LoopbackHTTPServer(script: [.delay(.seconds(3), then: .respond(status: 201))],
                                            whenExhausted: .respond(status: 201))
        defer { server.stop() }
        let site = try TestSite.delivering(to: server.url())
        try site.report(1, name: "a.json", staging: false)
        // An hour between looks: a wake-up lost would not be made good by the timer.
        let courier = site.courier { $0.debounce = .zero; $0.interval = .seconds(3600) }
        let running = Task { await courier.run() }
        defer {
            courier.stop()
            running.cancel()
        }
        #expect(await server.waitForRequests(1, timeout: .seconds(20)))
        try site.report(2, name: "b.json", revision: 2, staging: false)
        courier.changed()
        #expect(await server.waitForRequests(2, timeout: .seconds(20)), "the change was not delivered after the first")
        #expect(server.requests.map(\.key) == [site.key(1), site.key(2)])
    }

    @Test("kill -9 between the intake's commit and the staging: the change still reaches central, under a new key")
    func killBeforeStaging() async throws {
        let server = try LoopbackHTTPServer(whenExhausted: .respond(status: 201))
        defer { server.stop() }
        let site = try TestSite.delivering(to: server.url())
        try site.drop("shouning", "a.json", TestSite.sirens(2))
        let killed = try runFieldsync(["ingest", "--config", site.configPath], fault: "after-commit")
        #expect(killed.status == SIGKILL, "the process must really die there")
        #expect(try site.count("SELECT count(*) FROM revision") == 1, "the records are committed")
        #expect(try site.changedPeriods() == ["2026"], "and so is the mark")
        #expect(try site.outbox().isEmpty, "nothing staged yet")

        let daemon = try DaemonProcess(configPath: site.configPath)
        defer { daemon.kill() }
        #expect(await server.waitForRequests(1, timeout: .seconds(30)), "\(daemon.stderr)")
        try await waitUntil("delivery: \(daemon.stderr)") { try site.outbox(1)?.state == .delivered }
        let request = try #require(server.requests.first)
        #expect(request.key == site.key(1))
        #expect(String(decoding: request.body, as: UTF8.self).contains(#""value":2,"source":"report""#))
        #expect(try site.outbox().map(\.sequence) == [1])
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit(timeout: .seconds(15))?.status == 0, "\(daemon.stderr)")
    }
}
