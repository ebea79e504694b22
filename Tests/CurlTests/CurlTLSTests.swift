import Curl
import TestSupport
import XCTest

/// TLS against a real HTTPS server with a throw-away PKI: verification is on,
/// `caFile` pins the trusted CA, and mutual TLS presents a client certificate.
final class CurlTLSTests: XCTestCase {
    private func post(_ url: String, caFile: String?) -> HTTPRequest {
        HTTPRequest(url: url, headers: [("Content-Type", "application/json")], body: Array(#"{"sequence":7}"#.utf8),
                    connectTimeout: .seconds(5), totalTimeout: .seconds(10), caFile: caFile)
    }

    private func startServer(requireClientCertificate: Bool = false) throws -> TLSTestServer {
        let server = try TLSTestServer(requireClientCertificate: requireClientCertificate)
        addTeardownBlock { server.stop() }
        return server
    }

    func testTrustedCASucceeds() async throws {
        let server = try startServer()
        let response = try await CurlClient.perform(post(server.url(path: "/v1/scores"), caFile: server.caFile))
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.header("X-Method"), "POST")
        XCTAssertEqual(response.header("X-Path"), "/v1/scores")
        XCTAssertEqual(response.body, Array(#"{"sequence":7}"#.utf8))
    }

    func testHostNameIsVerifiedToo() async throws {
        let server = try startServer()
        // The certificate names 127.0.0.1 and localhost; both work.
        let response = try await CurlClient.perform(post(server.url(host: "localhost"), caFile: server.caFile))
        XCTAssertEqual(response.status, 200)
    }

    func testUnrelatedCAFailsAsTLS() async throws {
        let server = try startServer()
        let error = try await XCTUnwrapAsync(await performResult(post(server.url(), caFile: server.otherCAFile)).failure)
        XCTAssertEqual(error.kind, .tls, "\(error)")
        XCTAssertEqual(error.code, 60, "CURLE_PEER_FAILED_VERIFICATION: \(error)")
    }

    func testSystemStoreDoesNotKnowTheTestCA() async throws {
        let server = try startServer()
        let error = try await XCTUnwrapAsync(await performResult(post(server.url(), caFile: nil)).failure)
        XCTAssertEqual(error.kind, .tls, "\(error)")
        XCTAssertEqual(error.code, 60, "CURLE_PEER_FAILED_VERIFICATION: \(error)")
    }

    func testMissingCAFileIsATLSError() async throws {
        let server = try startServer()
        let error = try await XCTUnwrapAsync(
            await performResult(post(server.url(), caFile: "/nonexistent/ca.pem")).failure)
        XCTAssertEqual(error.kind, .tls, "\(error)")
    }

    func testMutualTLSPresentsTheClientCertificate() async throws {
        let server = try startServer(requireClientCertificate: true)
        var request = post(server.url(), caFile: server.caFile)
        request.clientCertificate = server.clientCertificate
        request.clientKey = server.clientKey
        let response = try await CurlClient.perform(request)
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.header("X-Client-CN"), "fieldsync-test-client")
    }

    func testMutualTLSWithoutClientCertificateFails() async throws {
        let server = try startServer(requireClientCertificate: true)
        let error = try await XCTUnwrapAsync(await performResult(post(server.url(), caFile: server.caFile)).failure)
        // Under TLS 1.3 the server rejects the missing certificate after the
        // client has finished its side of the handshake, so libcurl usually
        // reports a send/receive failure (55/56, .connect), not a TLS code.
        // Either way the pusher retries.
        XCTAssertTrue([.tls, .connect].contains(error.kind), "\(error)")
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
