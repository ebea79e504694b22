import FieldsyncCentral
@testable import FieldsyncConfig
@testable import FieldsyncDaemon
@testable import FieldsyncDelivery
@testable import FieldsyncIntake
@testable import FieldsyncModel
@testable import FieldsyncProtocol
@testable import FieldsyncRecords
@testable import FieldsyncScoring
@testable import FieldsyncStore
import FieldsyncTesting
import Foundation
import Logging
import XCTest

/// Delivery to the reference receiver, in-process on a real loopback port: a replay of
/// the same outbox item is delivered again and stored once.
final class DeliveryCentralTests: XCTestCase {
    /// A running `CentralServer` on 127.0.0.1, port 0.
    final class RunningCentral: Sendable {
        let server: CentralServer
        let port: Int
        let task: Task<Void, any Error>

        init(directory: String, tokens: [String]) async throws {
            var logger = Logger(label: "central-in-delivery-tests")
            logger.logLevel = .critical
            server = try CentralServer(configuration: CentralConfiguration(
                host: "127.0.0.1", port: 0, databasePath: directory + "/central.sqlite",
                tokens: BearerTokens(Dictionary(uniqueKeysWithValues: tokens.map { ($0, "test-office") })), logger: logger))
            let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
            task = Task { [server] in
                defer { continuation.finish() }
                try await server.run { continuation.yield($0) }
            }
            // Either the port, or the end of a server that could not start.
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else {
                _ = await task.result
                throw CentralDidNotStart()
            }
            self.port = port
        }

        var pushURL: String { "http://127.0.0.1:\(port)\(CentralServer.scoresPath)" }

        func stop() async {
            task.cancel()
            _ = await task.result
        }
    }

    struct CentralDidNotStart: Error {}

    func testReplayIsDeliveredTwiceAndStoredOnce() async throws {
        let directory = NSTemporaryDirectory() + "fieldsync-central-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let central = try await RunningCentral(directory: directory, tokens: [goodToken])
        do {
            let site = try TestSite.delivering(to: central.pushURL)
            try site.report(2, name: "a.json")
            let courier = site.courier()
            let item = try site.item(1)

            let first = await courier.attempt(item)
            XCTAssertEqual(first?.verdict, .delivered, "\(String(describing: first))")
            XCTAssertEqual(first?.status, 201)
            let replay = await courier.attempt(item)
            XCTAssertEqual(replay?.verdict, .delivered, "\(String(describing: replay))")
            XCTAssertEqual(replay?.status, 201, "an identical replay gets the first answer again")

            let count = try await central.server.store.documentCount()
            XCTAssertEqual(count, 1, "stored once")
            let stored = try await central.server.store.latest(office: "test-office", period: "2026")
            XCTAssertEqual(stored?.identity.sequence, 1)
            XCTAssertEqual(stored?.body, try site.document(1), "central holds the outbox bytes")
            let row = try XCTUnwrap(try site.outbox(1))
            XCTAssertEqual(row.state, .delivered)
            XCTAssertEqual(row.attempts, 2)

            // A newer sequence is a second document; the older one is not disturbed.
            try site.report(1, name: "b.json", revision: 2)
            _ = await courier.deliverDue()
            XCTAssertEqual(try site.outbox(2)?.state, .delivered)
            let countAfter = try await central.server.store.documentCount()
            XCTAssertEqual(countAfter, 2)
            let latest = try await central.server.store.latest(office: "test-office", period: "2026")
            XCTAssertEqual(latest?.identity.sequence, 2)
        } catch {
            await central.stop()
            throw error
        }
        await central.stop()
    }

    func testCentralRefusingTheTokenMakesTheDocumentDead() async throws {
        let directory = NSTemporaryDirectory() + "fieldsync-central-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let central = try await RunningCentral(directory: directory, tokens: [goodToken])
        do {
            let site = try TestSite.delivering(to: central.pushURL, token: "tok-unknown")
            try site.report(2, name: "a.json")
            let report = await site.courier().attempt(try site.item(1))
            XCTAssertEqual(report?.verdict, .dead)
            XCTAssertEqual(report?.status, 401)
            XCTAssertEqual(try site.outbox(1)?.state, .dead)
            let none = try await central.server.store.documentCount()
            XCTAssertEqual(none, 0)

            try site.writeToken(goodToken)
            let reports = try await site.courier().pushNow()
            XCTAssertEqual(reports.map(\.status), [201])
            XCTAssertEqual(try site.outbox(1)?.state, .delivered)
            let one = try await central.server.store.documentCount()
            XCTAssertEqual(one, 1)
        } catch {
            await central.stop()
            throw error
        }
        await central.stop()
    }
}
