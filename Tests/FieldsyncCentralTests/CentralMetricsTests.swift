import FieldsyncCentral
import FieldsyncTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Central's `/metrics`: what this receiver answered, by office and status, and what
/// the database holds — each office's last push — on either engine.
@Suite("Central's metrics")
struct CentralMetricsTests {
    @Test("Pushes by office and status, each office's last push from the database, and the database up",
          arguments: CentralEngine.allCases)
    func metrics(engine: CentralEngine) async throws {
        let server = try await engine.makeServer()
        try await server.makeApplication().test(.router) { client in
            let empty = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            #expect(PrometheusText.value(empty, #"fieldsync_central_pushes_total{office="",status="201"}"#) == 0, "present from the start")
            #expect(PrometheusText.value(empty, "fieldsync_central_database_up") == 1)

            let before = Date().timeIntervalSince1970.rounded(.down)
            #expect(try await push(client, SampleDocument()).status == .created)
            #expect(try await push(client, SampleDocument()).status == .created)  // a replay: 201 again
            #expect(try await push(client, SampleDocument(sequence: "8"), token: "wrong-token-wrong-token").status == .unauthorized)
            let response = try await client.execute(uri: "/metrics", method: .get)
            #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            let text = String(buffer: response.body)
            #expect(PrometheusText.value(text, #"fieldsync_central_pushes_total{office="ningde-rfb",status="201"}"#) == 2)
            #expect(PrometheusText.value(text, #"fieldsync_central_pushes_total{office="",status="401"}"#) == 1)
            let last = try #require(PrometheusText.value(text, #"fieldsync_central_last_push_timestamp_seconds{office="ningde-rfb"}"#))
            #expect(last >= before - 1 && last <= Date().timeIntervalSince1970 + 1)
            #expect(PrometheusText.value(text, #"fieldsync_central_periods{office="ningde-rfb"}"#) == 1)
        }
    }

    @Test("A second receiver on the same database shows the same last push, though it answered none",
          arguments: CentralEngine.allCases)
    func everyReceiverAgrees(engine: CentralEngine) async throws {
        let database = try await engine.makeDatabase()
        let first = try await engine.makeServer(database: database)
        let second = try await engine.makeServer(database: database)
        let one = try await first.makeApplication().test(.router) { client in
            #expect(try await push(client, SampleDocument()).status == .created)
            return String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
        }
        try await second.makeApplication().test(.router) { client in
            let two = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            let series = #"fieldsync_central_last_push_timestamp_seconds{office="ningde-rfb"}"#
            #expect(PrometheusText.value(two, series) != nil)
            #expect(PrometheusText.value(two, series) == PrometheusText.value(one, series))
            #expect(PrometheusText.value(two, #"fieldsync_central_pushes_total{office="ningde-rfb",status="201"}"#) == nil, "it answered none")
        }
    }
}
