@testable import FieldsyncConfig
@testable import FieldsyncDelivery
@testable import FieldsyncIntake
import FieldsyncTesting
import Foundation
import Glibc
import GRDB
import Logging
import TestSupport
import XCTest

/// One row of the `outbox` table, as the delivery tests look at it.
struct OutboxRow: Equatable, CustomStringConvertible {
    var sequence: Int
    var state: OutboxState
    var attempts: Int
    var nextAttemptAt: Int64?
    var deliveredAt: Int64?
    var lastStatus: Int?
    var lastError: String?

    var description: String {
        "#\(sequence) \(state) attempts=\(attempts) status=\(lastStatus.map(String.init) ?? "-") error=\(lastError ?? "-")"
    }
}

/// One row of the `attempt` table.
struct AttemptRow {
    var sequence: Int
    var at: Int64
    var status: Int?
    var error: String?
    var nextAttemptAt: Int64?
}

/// The bearer token the delivery tests' sites send (from `token_file`).
let goodToken = "tok-7f3a-good-for-test-office"

extension TestSite {
    /// A site that pushes to `url` with `token_file = "token"` holding `token`.
    static func delivering(to url: String, token: String? = goodToken, timeout: String = "5s", extra: String = "") throws -> TestSite {
        let site = try TestSite(push: url, pushTimeout: timeout, extraConfig: (token == nil ? "" : "token_file = \"token\"\n") + extra)
        if let token { try site.writeToken(token) }
        return site
    }

    var tokenPath: String { root + "/token" }

    func writeToken(_ token: String) throws {
        try (token + "\n").write(toFile: tokenPath, atomically: false, encoding: .utf8)
    }

    var office: String { setup.config.office }

    /// A report of how many fixed sirens shouning has installed (target 2).
    static func sirens(_ value: Int, id: String = "s-1", revision: Int = 1, note: String? = nil) -> String {
        var fields = [#""id": "\#(id)""#, #""revision": \#(revision)"#, #""kind": "report""#, #""period": "2026""#,
                      #""unit": "shouning""#, #""indicator": "siren.fixed""#, #""value": \#(value)"#,
                      #""observed_at": "2026-11-20""#]
        if let note { fields.append(#""note": "\#(note)""#) }
        return "{" + fields.joined(separator: ", ") + "}"
    }

    /// Drops and ingests a sirens report, then — unless `staging` is false — scores and
    /// stages what changed, as the courier does after `debounce`; fails the test
    /// unless the file was accepted.
    @discardableResult
    func report(_ value: Int, name: String, id: String = "s-1", revision: Int = 1, note: String? = nil,
                staging: Bool = true, file: StaticString = #filePath, line: UInt = #line) throws -> Receipt {
        let outcome = try ingest("shouning", name, TestSite.sirens(value, id: id, revision: revision, note: note))
        let receipt = try XCTUnwrap(outcome.receipt, "\(name) not accepted: \(outcome.problems)", file: file, line: line)
        if staging { try instance.stageChanged() }
        return receipt
    }

    /// The periods marked changed and not staged yet.
    func changedPeriods() throws -> [String] {
        try store.writer.read { try Outbox.changed($0).map(\.period) }
    }

    func outbox() throws -> [OutboxRow] {
        try store.writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT sequence, state, attempts, next_attempt_at, delivered_at, last_status, last_error
                FROM outbox WHERE period = '2026' ORDER BY sequence
                """).map {
                OutboxRow(sequence: $0[0], state: OutboxState(rawValue: $0[1])!, attempts: $0[2], nextAttemptAt: $0[3], deliveredAt: $0[4],
                          lastStatus: $0[5], lastError: $0[6])
            }
        }
    }

    func outbox(_ sequence: Int) throws -> OutboxRow? { try outbox().first { $0.sequence == sequence } }

    func attemptRows() throws -> [AttemptRow] {
        try store.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT sequence, at, status, error, next_attempt_at FROM attempt ORDER BY id").map {
                AttemptRow(sequence: $0[0], at: $0[1], status: $0[2], error: $0[3], nextAttemptAt: $0[4])
            }
        }
    }

    /// The stored document of a sequence, byte for byte.
    func document(_ sequence: Int) throws -> [UInt8] {
        let data = try store.writer.read { db in
            try Data.fetchOne(db, sql: "SELECT document FROM outbox_document WHERE period = '2026' AND sequence = ?",
                              arguments: [sequence])
        }
        return Array(try XCTUnwrap(data, "no document #\(sequence)"))
    }

    /// The outbox item of a sequence as the courier would read it (whatever its due time).
    func item(_ sequence: Int) throws -> OutboxItem {
        let row = try store.writer.read { db in
            try Row.fetchOne(db, sql: """
                SELECT o.period, o.sequence, d.document, o.attempts
                FROM outbox AS o JOIN outbox_document AS d USING (period, sequence)
                WHERE o.period = '2026' AND o.sequence = ?
                """, arguments: [sequence])
        }
        let found = try XCTUnwrap(row, "no outbox item #\(sequence)")
        let document: Data = found[2]
        return OutboxItem(period: found[0], sequence: found[1], document: Array(document), attempts: found[3])
    }

    /// A courier over this site's instance and `[push]` settings, optionally adjusted.
    func courier(_ adjust: (inout PushSettings) -> Void = { _ in }) -> Courier {
        var settings = setup.config.push!
        adjust(&settings)
        var logger = Logger(label: "delivery-test")
        logger.logLevel = .critical
        return Courier(store: store, office: setup.config.office, settings: settings, schemes: setup.schemes, logger: logger)
    }

    func key(_ sequence: Int) -> String { "\(office)/2026/\(sequence)" }
}

extension LoopbackHTTPServer.Request {
    var key: String? { header("Idempotency-Key") }
}

