import FieldsyncTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// The same app over a real TCP connection, as a daemon's libcurl would reach it.
@Suite("Central over a real TCP connection")
struct LiveServerTests {
    @Test("A push over TCP is stored and read back as sent", arguments: CentralEngine.allCases)
    func pushOverTCP(engine: CentralEngine) async throws {
        let server = try await engine.makeServer()
        let document = SampleDocument()
        try await server.makeApplication().test(.live) { client in
            let response = try await push(client, document.json, key: document.key)
            #expect(response.status == .created)
            let read = try await client.execute(uri: "/api/fieldsync/v1/offices/ningde-rfb/periods/2026", method: .get)
            #expect(String(buffer: read.body) == document.json)
        }
    }
}
