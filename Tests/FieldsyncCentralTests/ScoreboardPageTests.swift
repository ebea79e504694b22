@testable import FieldsyncCentral
import FieldsyncProtocol
import FieldsyncReport
import FieldsyncTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// `GET /`: the city scoreboard page, rendered from the documents a receiver on either
/// engine holds.
@Suite("The scoreboard page")
struct ScoreboardPageTests {
    @Test("The page shows each office's latest document: units in document order, grades, totals and their bars",
          arguments: CentralEngine.allCases)
    func pageShowsLatestDocumentsUnitsGradesAndBars(engine: CentralEngine) async throws {
        let server = try await engine.makeServer()
        let older = SampleDocument(sequence: "6", unitName: "旧名称")
        let latest = SampleDocument(sequence: "7")
        try await server.makeApplication().test(.router) { client in
            for document in [older, latest] {
                _ = try await push(client, document.json, key: document.key)
            }
            let response = try await client.execute(uri: "/", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/html; charset=utf-8")
            let page = String(buffer: response.body)
            for expected in [
                "寿宁县", "市本级", "总分 Total", "等次 Grade", "良 Good", "差 Poor", "全市合计 Overall", "86.615", "79.99",
                "序号 Sequence 7", "ningde-rfb", "width:86.615%", "width:53.08%", "否 No", "是 Yes",
            ] {
                #expect(page.contains(expected), "page lacks \(expected)")
            }
            #expect(!page.contains("旧名称"), "an older sequence must not be shown")
            let county = try #require(page.range(of: "寿宁县")), city = try #require(page.range(of: "市本级"))
            #expect(county.lowerBound < city.lowerBound, "units in document order")
            #expect(!(page.contains("http://") || page.contains("https://") || page.contains("<script")),
                    "self-contained, no scripts")
        }
    }

    @Test("Text from a document is escaped on the page", arguments: CentralEngine.allCases)
    func pageEscapesDocumentText(engine: CentralEngine) async throws {
        let server = try await engine.makeServer()
        let document = SampleDocument(unitName: "<script>alert('x')</script>&\"")
        try await server.makeApplication().test(.router) { client in
            let pushed = try await push(client, document.json, key: document.key)
            #expect(pushed.status == .created)
            let page = String(buffer: try await client.execute(uri: "/", method: .get).body)
            #expect(!page.contains("<script>"))
            #expect(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;"))
        }
    }

    @Test("The overview links to each office's report, rendered byte for byte as `fieldsync report` renders it; none is 404",
          arguments: CentralEngine.allCases)
    func overviewLinksToEachReportTheSameRendererAsTheDaemons(engine: CentralEngine) async throws {
        let server = try await engine.makeServer()
        let document = SampleDocument(sequence: "7")
        try await server.makeApplication().test(.router) { client in
            _ = try await push(client, document.json, key: document.key)
            let page = String(buffer: try await client.execute(uri: "/", method: .get).body)
            #expect(page.contains(#"<a href="/report/ningde-rfb/2026">报告 Report</a>"#), "\(page)")
            #expect(page.contains(#"<td class="num total">79.99</td>"#))
            let report = try await client.execute(uri: "/report/ningde-rfb/2026", method: .get)
            #expect(report.status == .ok)
            // Byte for byte what `fieldsync report` renders from the same document.
            #expect(String(buffer: report.body) == Report.html(try JSONParser.parse(Array(document.json.utf8))))
            let missing = try await client.execute(uri: "/report/ningde-rfb/2030", method: .get)
            #expect(missing.status == .notFound)
        }
    }

    @Test("Before any push the page says no document was received yet", arguments: CentralEngine.allCases)
    func emptyPage(engine: CentralEngine) async throws {
        let server = try await engine.makeServer()
        try await server.makeApplication().test(.router) { client in
            let page = String(buffer: try await client.execute(uri: "/", method: .get).body)
            #expect(page.contains("No scores document received yet"))
        }
    }

    @Test("A bar's width is the total as written, clamped to 0…100")
    func barWidthIsClampedDecimal() {
        #expect(ScoreboardPage.barWidth("86.615") == "86.615")
        #expect(ScoreboardPage.barWidth("120") == "100")
        #expect(ScoreboardPage.barWidth("junk") == "0")
    }
}
