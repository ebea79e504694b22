import FieldsyncProtocol
import FieldsyncTesting
import Foundation
import Testing

/// `fieldsync report` on the Ningde fixtures, as a person sees it: the numbers are the
/// scores document's, headless Chromium prints it to a PDF whose text has every unit's
/// name, total and grade, and its screenshot is not a blank page.
@Suite("The report, as a person sees it")
struct ReportCommandTests {
    /// The Ningde fixtures ingested; the config's path.
    static func ningde() throws -> String {
        let (root, _) = try NingdeTests.stageNingde()
        let ingest = try runFieldsync(["ingest", "--config", root + "/fieldsync.toml"])
        guard ingest.status == 0 else { throw TestSetupError("ingest failed: \(ingest.errors)") }
        return root
    }

    @Test("Every unit's row holds the scores document's numbers, each component as the table shows it")
    func numbersAreTheDocuments() throws {
        let root = try Self.ningde()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let config = root + "/fieldsync.toml"
        #expect(try runFieldsync(["report", "--config", config, "-o", root + "/r.html"]).status == 0)
        let html = try String(contentsOfFile: root + "/r.html", encoding: .utf8)
        let document = try JSONParser.parse(Array(try runFieldsync(["scores", "--config", config, "--format", "json"]).output.utf8))
        guard case .array(let units)? = document["units"] else { Issue.record("no units"); return }
        #expect(units.count == 11)
        func two(_ v: JSONValue?) -> String {
            guard case .number(let n)? = v else { return "?" }
            return n.contains(".") ? (n.split(separator: ".")[1].count == 1 ? n + "0" : n) : n + ".00"
        }
        for unit in units {
            guard case .string(let name)? = unit["name"] else { continue }
            let row = "<tr><td>\(name)</td><td class=\"n\">\(two(unit["indicator_score"]))</td><td class=\"n\">\(two(unit["public_score"]))</td>"
                + "<td class=\"n\">\(two(unit["deductions"]))</td><td class=\"n\"><b>\(two(unit["total"]))</b></td>"
            #expect(html.contains(row), "\(row)")
            // Its public evaluation, and each indicator short of its target among the weak points.
            guard case .number(let respondents)? = unit["public"]?["respondents"] else { continue }
            let publicRow = "<tr><td>\(name)</td><td class=\"n\">\(two(unit["public_score"]))</td><td class=\"n\">\(respondents)</td></tr>"
            #expect(html.contains(publicRow), "\(publicRow)")
            guard case .array(let indicators)? = unit["indicators"] else { continue }
            for indicator in indicators where indicator["met"] == .bool(false) {
                func plain(_ v: JSONValue?) -> String { if case .number(let n)? = v { n } else { "–" } }
                guard case .string(let indicatorName)? = indicator["name"] else { continue }
                let weak = "<tr><td>\(indicatorName)</td><td class=\"n\">\(plain(indicator["value"]))</td><td class=\"n\">\(plain(indicator["target"]))</td>"
                    + "<td class=\"n\">\(plain(indicator["points"]))</td>"
                #expect(html.contains(weak), "\(weak)")
            }
        }
        #expect(html.contains("<b>\(two(document["overall"]?["total"]))</b>"))
        // The document's identity, on every printed page.
        guard case .string(let sha)? = document["scheme"]?["sha256"] else { Issue.record("no sha256"); return }
        #expect(html.contains("sha256 \(sha)"))
    }

    @Test("Printed by headless Chromium: the PDF's text has every unit's name, total and grade; the screenshot is not blank")
    func printed() throws {
        let root = try Self.ningde()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let config = root + "/fieldsync.toml"
        let made = try runFieldsync(["report", "--config", config, "--format", "pdf", "-o", root + "/r.pdf"])
        #expect(made.status == 0, "\(made.errors)")
        let text = try runProgram(["pdftotext", "-layout", root + "/r.pdf", "-"])
        #expect(text.status == 0, "pdftotext (apt-get install poppler-utils): \(text.errors)")
        let document = try JSONParser.parse(Array(try runFieldsync(["scores", "--config", config, "--format", "json"]).output.utf8))
        guard case .array(let units)? = document["units"] else { Issue.record("no units"); return }
        for unit in units {
            guard case .string(let name)? = unit["name"], case .number(let total)? = unit["total"],
                  case .string(let grade)? = unit["grade_zh"] else { continue }
            #expect(text.output.contains(name), "\(name)")
            let shown = total.contains(".") ? total : total + ".00"
            #expect(text.output.contains(shown), "\(name) \(shown)")
            #expect(text.output.contains(grade), "\(grade)")
        }
        let pages = try runProgram(["pdfinfo", root + "/r.pdf"]).output
        let count = pages.split(separator: "\n").first { $0.hasPrefix("Pages:") }.flatMap { Int($0.split(separator: " ").last ?? "") }
        #expect(count.map { $0 >= 1 && $0 <= 8 } == true, "a report of 11 units prints on at most 8 A4 pages: \(pages)")
        // The traceability line (the scheme's sha256 among it) on every printed page.
        guard case .string(let sha)? = document["scheme"]?["sha256"] else { Issue.record("no sha256"); return }
        for page in 1 ... (count ?? 1) {
            let text = try runProgram(["pdftotext", "-f", "\(page)", "-l", "\(page)", root + "/r.pdf", "-"]).output
            #expect(text.replacingOccurrences(of: "\n", with: "").contains(String(sha.prefix(16))), "page \(page) lacks the trace line")
        }

        // The screenshot, beside one of a blank page of the same size.
        #expect(try runFieldsync(["report", "--config", config, "-o", root + "/r.html"]).status == 0)
        try Data("<!DOCTYPE html><html><body></body></html>".utf8).write(to: URL(fileURLWithPath: root + "/blank.html"))
        func shot(_ page: String, _ png: String) throws -> Int {
            let run = try runProgram(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(root)/profile-\(png)",
                                      "--window-size=1000,1400", "--screenshot=\(root)/\(png)", "file://\(root)/\(page)"])
            #expect(run.status == 0, "chromium (apt-get install chromium): \(run.errors)")
            return (try FileManager.default.attributesOfItem(atPath: "\(root)/\(png)")[.size] as? Int) ?? 0
        }
        let report = try shot("r.html", "report.png"), blank = try shot("blank.html", "blank.png")
        #expect(report > 10 * max(blank, 1), "report \(report) bytes, blank page \(blank) bytes")
    }

    @Test("Without Chromium, a PDF is one sentence naming what to install, exit 2")
    func noBrowser() throws {
        let root = try Self.ningde()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let run = try runFieldsync(["report", "--config", root + "/fieldsync.toml", "--format", "pdf", "-o", root + "/r.pdf"],
                                   environment: ["PATH": "/nonexistent"])
        #expect(run.status == 2)
        #expect(run.errors.contains("apt-get install chromium"), "\(run.errors)")
        #expect(!FileManager.default.fileExists(atPath: root + "/r.pdf"))
    }
}
