import Curl
import TestSupport
import XCTest

/// The test server's own contract, which the delivery tests rely on.
final class LoopbackHTTPServerTests: XCTestCase {
    private func post(_ url: String, totalTimeout: Duration = .seconds(5)) -> HTTPRequest {
        HTTPRequest(url: url, body: Array("x".utf8), connectTimeout: .seconds(2), totalTimeout: totalTimeout)
    }

    func testScriptThenAppendedThenDefault() async throws {
        let server = try LoopbackHTTPServer(script: [.respond(status: 503)], whenExhausted: .respond(status: 204))
        defer { server.stop() }
        server.append(.respond(status: 429, text: "slow down"))
        var statuses: [Int] = []
        for _ in 0..<4 {
            statuses.append(try await CurlClient.perform(post(server.url())).status)
        }
        XCTAssertEqual(statuses, [503, 429, 204, 204])
        XCTAssertEqual(server.requests.count, 4)
    }

    func testStopEndsADelayEarlyAndIsIdempotent() async throws {
        let server = try LoopbackHTTPServer(script: [.delay(.seconds(600), then: .respond(status: 200))])
        let request = post(server.url(), totalTimeout: .seconds(20))
        let task = Task { await performResult(request) }
        let arrived = await server.waitForRequests(1)
        XCTAssertTrue(arrived)
        server.stop()
        server.stop()
        // The delay was cut short and the connection closed without an answer;
        // had the delay run on, the client would have timed out instead.
        guard case .failure(let error) = await task.value else { return XCTFail("expected an error") }
        XCTAssertEqual(error.kind, .connect, "\(error)")
        XCTAssertEqual(server.requests.count, 1)
    }

    func testDeinitStopsTheServer() async throws {
        var server: LoopbackHTTPServer? = try LoopbackHTTPServer()
        let url = try XCTUnwrap(server?.url())
        server = nil
        guard case .failure(let error) = await performResult(post(url)) else { return XCTFail("still listening") }
        XCTAssertEqual(error.code, 7, "CURLE_COULDNT_CONNECT: \(error)")
    }

    func testWaitForRequestsGivesUpAtItsTimeout() async throws {
        let server = try LoopbackHTTPServer()
        defer { server.stop() }
        let arrived = await server.waitForRequests(1, timeout: .milliseconds(50))
        XCTAssertFalse(arrived)
    }

    func testExpectContinueIsHonoured() async throws {
        let server = try LoopbackHTTPServer()
        defer { server.stop() }
        let body = [UInt8](repeating: 7, count: 100_000)
        let request = HTTPRequest(url: server.url(path: "/big"), headers: [("Expect", "100-continue")], body: body,
                                  connectTimeout: .seconds(2), totalTimeout: .seconds(5))
        let response = try await CurlClient.perform(request)
        XCTAssertEqual(response.status, 200)
        let received = try XCTUnwrap(server.requests.first)
        XCTAssertEqual(received.header("expect"), "100-continue")
        XCTAssertEqual(received.body, body)
    }
}
