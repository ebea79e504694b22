@testable import FieldsyncCentral
import FieldsyncProtocol
import FieldsyncReport
import FieldsyncTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import XCTest

/// `GET /`: the city scoreboard page.
final class ScoreboardPageTests: CentralTestCase {
    func testPageShowsLatestDocumentsUnitsGradesAndBars() async throws {
        let server = try makeServer()
        let older = SampleDocument(sequence: "6", unitName: "旧名称")
        let latest = SampleDocument(sequence: "7")
        try await server.makeApplication().test(.router) { client in
            for document in [older, latest] {
                _ = try await Self.push(client, document.json, key: document.key)
            }
            let response = try await client.execute(uri: "/", method: .get)
            XCTAssertEqual(response.status, .ok)
            XCTAssertEqual(response.headers[.contentType], "text/html; charset=utf-8")
            let page = String(buffer: response.body)
            for expected in [
                "寿宁县", "市本级", "总分 Total", "等次 Grade", "良 Good", "差 Poor", "全市合计 Overall", "86.615", "79.99",
                "序号 Sequence 7", "ningde-rfb", "width:86.615%", "width:53.08%", "否 No", "是 Yes",
            ] {
                XCTAssertTrue(page.contains(expected), "page lacks \(expected)")
            }
            XCTAssertFalse(page.contains("旧名称"), "an older sequence must not be shown")
            XCTAssertLessThan(
                try XCTUnwrap(page.range(of: "寿宁县")).lowerBound, try XCTUnwrap(page.range(of: "市本级")).lowerBound,
                "units in document order")
            XCTAssertFalse(page.contains("http://") || page.contains("https://") || page.contains("<script"),
                "self-contained, no scripts")
        }
    }

    func testPageEscapesDocumentText() async throws {
        let server = try makeServer()
        let document = SampleDocument(unitName: "<script>alert('x')</script>&\"")
        try await server.makeApplication().test(.router) { client in
            let pushed = try await Self.push(client, document.json, key: document.key)
            XCTAssertEqual(pushed.status, .created)
            let page = String(buffer: try await client.execute(uri: "/", method: .get).body)
            XCTAssertFalse(page.contains("<script>"))
            XCTAssertTrue(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;"))
        }
    }

    func testOverviewLinksToEachReportTheSameRendererAsTheDaemons() async throws {
        let server = try makeServer()
        let document = SampleDocument(sequence: "7")
        try await server.makeApplication().test(.router) { client in
            _ = try await Self.push(client, document.json, key: document.key)
            let page = String(buffer: try await client.execute(uri: "/", method: .get).body)
            XCTAssertTrue(page.contains(#"<a href="/report/ningde-rfb/2026">报告 Report</a>"#), page)
            XCTAssertTrue(page.contains(#"<td class="num total">79.99</td>"#))
            let report = try await client.execute(uri: "/report/ningde-rfb/2026", method: .get)
            XCTAssertEqual(report.status, .ok)
            // Byte for byte what `fieldsync report` renders from the same document.
            XCTAssertEqual(String(buffer: report.body), Report.html(try JSONParser.parse(Array(document.json.utf8))))
            let missing = try await client.execute(uri: "/report/ningde-rfb/2030", method: .get)
            XCTAssertEqual(missing.status, .notFound)
        }
    }

    func testEmptyPage() async throws {
        let server = try makeServer()
        try await server.makeApplication().test(.router) { client in
            let page = String(buffer: try await client.execute(uri: "/", method: .get).body)
            XCTAssertTrue(page.contains("No scores document received yet"))
        }
    }

    func testBarWidthIsClampedDecimal() {
        XCTAssertEqual(ScoreboardPage.barWidth("86.615"), "86.615")
        XCTAssertEqual(ScoreboardPage.barWidth("120"), "100")
        XCTAssertEqual(ScoreboardPage.barWidth("junk"), "0")
    }
}
