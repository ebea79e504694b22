import FieldsyncTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import XCTest

/// The same app over a real TCP connection, as a daemon's libcurl would reach it.
final class LiveServerTests: CentralTestCase {
    func testPushOverTCP() async throws {
        let server = try makeServer()
        let document = SampleDocument()
        try await server.makeApplication().test(.live) { client in
            let response = try await Self.push(client, document.json, key: document.key)
            XCTAssertEqual(response.status, .created)
            let read = try await client.execute(uri: "/api/fieldsync/v1/offices/ningde-rfb/periods/2026", method: .get)
            XCTAssertEqual(String(buffer: read.body), document.json)
        }
    }
}
