import Curl
import TestSupport
import XCTest

/// CurlClient against the scripted loopback server: what is sent, what comes
/// back, and how each failure is classified. Every transfer has a time limit of
/// a few seconds at most, so no test can hang.
final class CurlClientTests: XCTestCase {
    private func post(
        _ url: String,
        headers: [(name: String, value: String)] = [],
        body: [UInt8] = Array("{}".utf8),
        totalTimeout: Duration = .seconds(5)
    ) -> HTTPRequest {
        HTTPRequest(url: url, headers: headers, body: body,
                    connectTimeout: .seconds(2), totalTimeout: totalTimeout)
    }

    private func expectError(
        _ request: HTTPRequest, file: StaticString = #filePath, line: UInt = #line
    ) async -> CurlError? {
        do {
            let response = try await CurlClient.perform(request)
            XCTFail("expected an error, got status \(response.status)", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }

    func testPostArrivesIntact() async throws {
        let server = try LoopbackHTTPServer(script: [.respond(status: 201, text: "stored")])
        defer { server.stop() }
        let body: [UInt8] = Array(#"{"office":"ningde-rfb","unit":"寿宁县"}"#.utf8) + [0, 255, 13, 10]
        let response = try await CurlClient.perform(post(
            server.url(path: "/v1/scores?office=ningde"),
            headers: [("Content-Type", "application/json"),
                      ("Authorization", "Bearer s3cret"),
                      ("Idempotency-Key", "ningde-rfb/2026/7")],
            body: body))

        XCTAssertEqual(response.status, 201)
        XCTAssertEqual(response.body, Array("stored".utf8))
        XCTAssertFalse(response.bodyTruncated)
        let requests = server.requests
        XCTAssertEqual(requests.count, 1)
        let received = try XCTUnwrap(requests.first)
        XCTAssertEqual(received.method, "POST")
        XCTAssertEqual(received.path, "/v1/scores?office=ningde")
        XCTAssertEqual(received.header("content-type"), "application/json")
        XCTAssertEqual(received.header("Authorization"), "Bearer s3cret")
        XCTAssertEqual(received.header("Idempotency-Key"), "ningde-rfb/2026/7")
        XCTAssertEqual(received.header("Content-Length"), "\(body.count)")
        XCTAssertNil(received.header("Expect"), "no 100-continue round trip")
        XCTAssertEqual(received.body, body)
    }

    func testWithoutContentTypeNoFormEncodingIsClaimed() async throws {
        let server = try LoopbackHTTPServer()
        defer { server.stop() }
        _ = try await CurlClient.perform(post(server.url(), body: [1, 2, 3]))
        let received = try XCTUnwrap(server.requests.first)
        XCTAssertNil(received.header("Content-Type"))
        XCTAssertEqual(received.body, [1, 2, 3])
    }

    func testEmptyBodyAndOtherMethods() async throws {
        let server = try LoopbackHTTPServer()
        defer { server.stop() }
        _ = try await CurlClient.perform(post(server.url(path: "/a"), body: []))
        var put = post(server.url(path: "/b"), body: Array("x".utf8))
        put.method = "PUT"
        _ = try await CurlClient.perform(put)
        var get = post(server.url(path: "/c"), body: [])
        get.method = "GET"
        _ = try await CurlClient.perform(get)

        let requests = server.requests
        XCTAssertEqual(requests.map(\.method), ["POST", "PUT", "GET"])
        XCTAssertEqual(requests.map(\.path), ["/a", "/b", "/c"])
        XCTAssertEqual(requests.first?.header("Content-Length"), "0")
        XCTAssertEqual(requests.dropFirst().first?.body, Array("x".utf8))
    }

    func testEveryStatusIsAResponseNotAnError() async throws {
        let statuses = [200, 202, 204, 400, 401, 404, 408, 409, 429, 500, 502, 503]
        let server = try LoopbackHTTPServer(script: statuses.map { .respond(status: $0) })
        defer { server.stop() }
        var seen: [Int] = []
        for _ in statuses {
            seen.append(try await CurlClient.perform(post(server.url())).status)
        }
        XCTAssertEqual(seen, statuses)
    }

    func testResponseHeadersAreCaseInsensitiveAndLastWins() async throws {
        let server = try LoopbackHTTPServer(script: [
            .respond(status: 429, headers: [("Retry-After", "7"), ("X-Dup", "a"), ("x-dup", "b")]),
        ])
        defer { server.stop() }
        let response = try await CurlClient.perform(post(server.url()))
        XCTAssertEqual(response.status, 429)
        XCTAssertEqual(response.header("retry-after"), "7")
        XCTAssertEqual(response.header("RETRY-AFTER"), "7")
        XCTAssertEqual(response.header("X-DUP"), "b")
        XCTAssertEqual(response.headers(named: "x-dup"), ["a", "b"])
        XCTAssertNil(response.header("Retry"))
    }

    func testInterimResponseHeadersAreDropped() async throws {
        let raw = "HTTP/1.1 100 Continue\r\nX-Interim: yes\r\n\r\n"
            + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Final: yes\r\nX-Folded: one\r\n two\r\nConnection: close\r\n\r\nok"
        let server = try LoopbackHTTPServer(script: [.raw(Array(raw.utf8))])
        defer { server.stop() }
        let response = try await CurlClient.perform(post(server.url()))
        XCTAssertEqual(response.status, 200)
        XCTAssertNil(response.header("X-Interim"))
        XCTAssertEqual(response.header("X-Final"), "yes")
        XCTAssertEqual(response.header("X-Folded"), "one two")
        XCTAssertEqual(response.body, Array("ok".utf8))
    }

    func testOversizedBodyIsCutAtTheCap() async throws {
        let big = [UInt8](repeating: 0x41, count: 3 << 20)
        let server = try LoopbackHTTPServer(script: [.respond(status: 200, body: big)])
        defer { server.stop() }
        var request = post(server.url())
        request.maxResponseBodyBytes = 1000
        let response = try await CurlClient.perform(request)
        XCTAssertEqual(response.status, 200)
        XCTAssertTrue(response.bodyTruncated)
        XCTAssertEqual(response.body, Array(big.prefix(1000)))
    }

    func testBodyExactlyAtTheCapIsKeptWhole() async throws {
        let server = try LoopbackHTTPServer(script: [.respond(status: 200, body: [UInt8](repeating: 1, count: 1000))])
        defer { server.stop() }
        var request = post(server.url())
        request.maxResponseBodyBytes = 1000
        let response = try await CurlClient.perform(request)
        XCTAssertFalse(response.bodyTruncated)
        XCTAssertEqual(response.body.count, 1000)
    }

    func testConnectionResetIsAConnectError() async throws {
        let server = try LoopbackHTTPServer(script: [.reset])
        defer { server.stop() }
        let error = try await XCTUnwrapAsync(await expectError(post(server.url())))
        XCTAssertEqual(error.kind, .connect, "\(error)")
        XCTAssertEqual(error.code, 56, "CURLE_RECV_ERROR: \(error)")
        XCTAssertEqual(server.requests.count, 1, "the request was read before the reset")
    }

    func testEmptyReplyIsAConnectError() async throws {
        let server = try LoopbackHTTPServer(script: [.close])
        defer { server.stop() }
        let error = try await XCTUnwrapAsync(await expectError(post(server.url())))
        XCTAssertEqual(error.kind, .connect, "\(error)")
        XCTAssertEqual(error.code, 52, "CURLE_GOT_NOTHING: \(error)")
    }

    func testGarbageAnswerIsAnOtherError() async throws {
        let server = try LoopbackHTTPServer(script: [.garbage()])
        defer { server.stop() }
        let error = try await XCTUnwrapAsync(await expectError(post(server.url())))
        // A status line that is not HTTP reads as HTTP/0.9, which is refused.
        XCTAssertEqual(error.kind, .other, "\(error)")
        XCTAssertEqual(error.code, 1, "CURLE_UNSUPPORTED_PROTOCOL: \(error)")
        XCTAssertTrue(error.message.contains("HTTP/0.9"), error.message)
    }

    func testTruncatedResponseIsAConnectError() async throws {
        let raw = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly a bit"
        let server = try LoopbackHTTPServer(script: [.raw(Array(raw.utf8))])
        defer { server.stop() }
        let error = try await XCTUnwrapAsync(await expectError(post(server.url())))
        XCTAssertEqual(error.kind, .connect, "\(error)")
        XCTAssertEqual(error.code, 18, "CURLE_PARTIAL_FILE: \(error)")
    }

    func testSlowerThanTotalTimeoutIsATimeout() async throws {
        let server = try LoopbackHTTPServer(script: [.delay(.seconds(30), then: .respond(status: 200))])
        defer { server.stop() }
        let error = try await XCTUnwrapAsync(await expectError(post(server.url(), totalTimeout: .milliseconds(500))))
        XCTAssertEqual(error.kind, .timeout, "\(error)")
        XCTAssertEqual(error.code, 28)
        XCTAssertTrue(error.message.contains("timed out") || error.message.contains("Timeout"), error.message)
    }

    func testConnectionRefusedIsAConnectError() async throws {
        // Bind an ephemeral port, then close it: nothing listens there now.
        let gone = try LoopbackHTTPServer()
        let url = gone.url()
        gone.stop()
        let error = try await XCTUnwrapAsync(await expectError(post(url)))
        XCTAssertEqual(error.kind, .connect, "\(error)")
        XCTAssertEqual(error.code, 7, "CURLE_COULDNT_CONNECT: \(error)")
    }

    func testMalformedURLAndForbiddenSchemeAreOtherErrors() async throws {
        let malformed = try await XCTUnwrapAsync(await expectError(post("http://[::1")))
        XCTAssertEqual(malformed.kind, .other, "\(malformed)")
        let file = try await XCTUnwrapAsync(await expectError(post("file:///etc/passwd")))
        XCTAssertEqual(file.kind, .other, "\(file)")
        XCTAssertEqual(file.code, 1, "CURLE_UNSUPPORTED_PROTOCOL: \(file)")
    }

    func testHeaderInjectionIsRefusedBeforeSending() async throws {
        let server = try LoopbackHTTPServer()
        defer { server.stop() }
        let error = try await XCTUnwrapAsync(await expectError(
            post(server.url(), headers: [("Authorization", "Bearer x\r\nX-Evil: 1")])))
        XCTAssertEqual(error.kind, .other)
        XCTAssertEqual(error.code, 43, "CURLE_BAD_FUNCTION_ARGUMENT: \(error)")
        let badName = try await XCTUnwrapAsync(await expectError(post(server.url(), headers: [("Bad Name", "v")])))
        XCTAssertEqual(badName.code, 43)
    }

    /// More hung transfers than there are cores, and still every other task and
    /// a transfer to a healthy server finish first: the blocking calls do not sit
    /// on the cooperative pool.
    func testHungTransfersDoNotStarveOtherAsyncWork() async throws {
        let hungCount = max(4, ProcessInfo.processInfo.activeProcessorCount * 2)
        let stuck = try LoopbackHTTPServer(script: Array(repeating: .hang, count: hungCount))
        defer { stuck.stop() }
        let healthy = try LoopbackHTTPServer(script: [.respond(status: 204)])
        defer { healthy.stop() }
        let log = CompletionLog()
        let hungRequest = post(stuck.url(), totalTimeout: .seconds(2))
        let healthyRequest = post(healthy.url())

        let hung = (0..<hungCount).map { _ in
            Task { () -> Result<HTTPResponse, CurlError> in
                let result = await performResult(hungRequest)
                await log.record("hung")
                return result
            }
        }
        // Every hung request reached the server, so all are blocked in libcurl now.
        let allArrived = await stuck.waitForRequests(hungCount, timeout: .seconds(10))
        XCTAssertTrue(allArrived)

        await withTaskGroup(of: Void.self) { group in
            for index in 0..<20 {
                group.addTask {
                    await Task.yield()
                    await log.record("tiny-\(index)")
                }
            }
            group.addTask {
                let status = try? await CurlClient.perform(healthyRequest).status
                await log.record("healthy-\(status ?? -1)")
            }
        }
        for task in hung {
            switch await task.value {
            case .success(let response): XCTFail("hung transfer answered \(response.status)")
            case .failure(let error): XCTAssertEqual(error.kind, .timeout, "\(error)")
            }
        }

        let entries = await log.entries
        XCTAssertEqual(entries.count, 21 + hungCount)
        XCTAssertEqual(entries.firstIndex(of: "hung"), 21, "all quick work finished before any hung transfer: \(entries)")
        XCTAssertTrue(entries.contains("healthy-204"), "\(entries)")
    }

    func testCancellingTheTaskAbortsTheTransfer() async throws {
        let server = try LoopbackHTTPServer(script: [.hang])
        defer { server.stop() }
        let request = post(server.url(), totalTimeout: .seconds(20))
        let task = Task { await performResult(request) }
        let arrived = await server.waitForRequests(1)
        XCTAssertTrue(arrived)
        task.cancel()
        let result = await task.value
        guard case .failure(let error) = result else { return XCTFail("expected cancellation") }
        XCTAssertEqual(error.kind, .cancelled, "\(error)")
    }

    func testAlreadyCancelledTaskDoesNotSend() async throws {
        let server = try LoopbackHTTPServer()
        defer { server.stop() }
        let request = post(server.url())
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await performResult(request)
        }
        let result = await task.value
        guard case .failure(let error) = result else { return XCTFail("expected cancellation") }
        XCTAssertEqual(error.kind, .cancelled)
        XCTAssertTrue(server.requests.isEmpty)
    }
}

/// `CurlClient.perform` with its outcome as a value.
func performResult(_ request: HTTPRequest) async -> Result<HTTPResponse, CurlError> {
    do throws(CurlError) {
        return .success(try await CurlClient.perform(request))
    } catch {
        return .failure(error)
    }
}

/// Records the order in which concurrent work finished.
actor CompletionLog {
    private(set) var entries: [String] = []
    func record(_ entry: String) { entries.append(entry) }
}

/// `XCTUnwrap` for a value produced by an `await` expression.
func XCTUnwrapAsync<T>(
    _ value: @autoclosure () async throws -> T?, file: StaticString = #filePath, line: UInt = #line
) async throws -> T {
    let resolved = try await value()
    return try XCTUnwrap(resolved, file: file, line: line)
}
