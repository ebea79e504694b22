@testable import FieldsyncConfig
@testable import FieldsyncDaemon
@testable import FieldsyncDelivery
@testable import FieldsyncModel
@testable import FieldsyncProtocol
import FieldsyncTesting
import Foundation
import XCTest

/// The bundled Ningde demo end to end: every drop file through the real pipeline, then
/// the scoreboard compared with `fixtures/ningde/expected-scores.json`, which
/// `compute_expected.py` worked out independently with exact fractions.
final class NingdeTests: XCTestCase {
    /// Copies the fixture to a temporary directory and puts every drop where its source
    /// watches, as the offices would.
    static func stageNingde() throws -> (root: String, setup: Setup) {
        let fixture = repositoryRoot() + "/fixtures/ningde"
        let root = NSTemporaryDirectory() + "fieldsync-ningde-" + UUID().uuidString.prefix(8).lowercased()
        try FileManager.default.copyItem(atPath: fixture, toPath: root)
        try? FileManager.default.removeItem(atPath: root + "/state")
        let setup = try Setup.load(config: root + "/fieldsync.toml")
        for source in setup.config.sources {
            try FileManager.default.createDirectory(atPath: source.path, withIntermediateDirectories: true)
            let drops = root + "/drops/" + source.name
            for name in (try? FileManager.default.contentsOfDirectory(atPath: drops)) ?? [] where !name.hasSuffix(".md") {
                try FileManager.default.copyItem(atPath: drops + "/" + name, toPath: source.path + "/" + name)
                // Dropped a while before `ingest` runs: past its quiet period.
                try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -3600)],
                                                      ofItemAtPath: source.path + "/" + name)
            }
        }
        return (root, setup)
    }

    func testIngestAndScoresMatchTheHandComputedScoreboard() throws {
        let (root, setup) = try Self.stageNingde()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = try Instance.openStore(directory: setup.config.stateDirectory)
        let instance = Instance(setup: setup, store: store, logger: .init(label: "test"), clock: TestSite.fixedClock)
        try instance.intake.recover()
        let results = instance.intake.ingestAll()
        let rejected = results.filter { if case .rejected = $0.outcome { true } else { false } }.map(\.name).sorted()
        XCTAssertEqual(rejected, ["东侨-2026-疏散防护.json", "公众评议-2026-补充.jsonl", "柘荣县-2026-第四季度补报.csv"])
        XCTAssertEqual(results.count - rejected.count, 30)
        // Every unit's clerk sent a Chinese-headed workbook (openpyxl's or LibreOffice's), and each was taken.
        let workbooks = results.filter { $0.name.bytes.suffix(5).elementsEqual(".xlsx".utf8) }
        XCTAssertEqual(workbooks.count, 11)
        XCTAssertFalse(workbooks.contains { if case .rejected = $0.outcome { true } else { false } })

        let scheme = try XCTUnwrap(setup.schemes["2026"])
        let board = try Outbox.snapshot(store: store, office: setup.config.office, scheme: scheme).scoreboard
        let expectedData = try Data(contentsOf: URL(fileURLWithPath: root + "/expected-scores.json"))
        var parser = JSONParser(Array(expectedData))
        let expected = try parser.parseValue()
        guard case .array(let units)? = expected["units"] else { return XCTFail("no units in expected-scores.json") }
        XCTAssertEqual(units.count, board.units.count)
        for (want, got) in zip(units, board.units) {
            let code = try XCTUnwrap(got.unit?.code)
            XCTAssertEqual(want["unit"], .string(code))
            XCTAssertEqual(want["indicator_score"], .string(got.indicatorScore.decimalString(places: 2)), code)
            XCTAssertEqual(want["public_score"], .string(got.publicScore.decimalString(places: 2)), code)
            XCTAssertEqual(want["deductions"], .string(got.deductions.decimalString(places: 2)), code)
            XCTAssertEqual(want["total"], .string(got.total.decimalString(places: 2)), code)
            XCTAssertEqual(want["grade"], .string(got.grade.rawValue), code)
            XCTAssertEqual(want["complete"], .bool(got.complete), code)
            guard case .object(let indicators)? = want["indicators"] else { return XCTFail("\(code): no indicators") }
            for (indicatorCode, w) in indicators {
                let g = try XCTUnwrap(got.indicator(indicatorCode), "\(code)/\(indicatorCode)")
                XCTAssertEqual(w["score"], .string(g.score.decimalString(places: 4)), "\(code)/\(indicatorCode)")
                XCTAssertEqual(w["source"], .string(g.source.rawValue), "\(code)/\(indicatorCode)")
                XCTAssertEqual(w["met"], .bool(g.met), "\(code)/\(indicatorCode)")
            }
        }
        XCTAssertEqual(expected["overall"]?["total"], .string(board.overall.total.decimalString(places: 2)))
        XCTAssertEqual(expected["overall"]?["grade"], .string(board.overall.grade.rawValue))
    }

    /// Shouning's total, worked out by hand from the fixture (see fixtures/ningde/README.md):
    /// Σ scores 84.15 of 94 points → 89.52; public (92.4×80 + 88.8×40)/120 = 91.20;
    /// one finding of 2; 89.52×0.7 + 91.20×0.3 − 2 = 88.024 → 88.02, 良 good.
    /// Fuan's exact total is 89.995 → 90.00 优秀; Zherong's 75.995 → 76.00 良.
    func testShouningByHandAndTheRoundingEdges() throws {
        let (root, setup) = try Self.stageNingde()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = try Instance.openStore(directory: setup.config.stateDirectory)
        let instance = Instance(setup: setup, store: store, logger: .init(label: "test"), clock: TestSite.fixedClock)
        try instance.intake.recover()
        instance.intake.ingestAll()
        let board = try Outbox.snapshot(store: store, office: "ningde-rfb", scheme: setup.schemes["2026"]!).scoreboard
        let shouning = try XCTUnwrap(board.unit("shouning"))
        XCTAssertEqual(shouning.indicators.reduce(Exact.zero) { $0 + $1.score }, Exact(decimal: "84.15"))
        XCTAssertEqual(shouning.indicatorScore, Exact(decimal: "89.52"))
        XCTAssertEqual(shouning.publicScore, Exact(decimal: "91.2"))
        XCTAssertEqual(shouning.respondents, 120)
        XCTAssertEqual(shouning.deductions, Exact(2))
        XCTAssertEqual(shouning.total, Exact(decimal: "88.02"))
        XCTAssertEqual(shouning.grade, .good)
        let sirens = try XCTUnwrap(shouning.indicator("siren.fixed"))
        XCTAssertEqual(sirens.target, Exact(2), "Shouning's own target: ≥ 2 fixed sirens")
        XCTAssertTrue(sirens.met)
        XCTAssertEqual(board.unit("fuan")?.total, Exact(90))
        XCTAssertEqual(board.unit("fuan")?.grade, .excellent)
        XCTAssertEqual(board.unit("zherong")?.total, Exact(76))
        XCTAssertEqual(board.unit("zherong")?.grade, .good)
    }

    func testCommandLineIngestAndScoresJSON() throws {
        let (root, _) = try Self.stageNingde()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let ingest = try runFieldsync(["ingest", "--config", root + "/fieldsync.toml"])
        XCTAssertEqual(ingest.status, 0)
        XCTAssertTrue(ingest.output.contains("30 accepted, 3 rejected"), ingest.output)
        let scores = try runFieldsync(["scores", "--config", root + "/fieldsync.toml", "--format", "json"])
        XCTAssertEqual(scores.status, 0)
        var parser = JSONParser(Array(scores.output.utf8))
        let doc = try parser.parseValue()
        XCTAssertEqual(doc["schema"], .string("fieldsync.scores/2"))
        XCTAssertEqual(doc["rules"]?["grades"]?["good"], .number("76"))
        XCTAssertEqual(doc["rules"]?["discrepancy_deduction"], .number("1"))
        XCTAssertEqual(doc["office"], .string("ningde-rfb"))
        XCTAssertEqual(doc["overall"]?["total"], .number("71.78"))
        // One unit, indicator by indicator, by its Chinese name: the numbers the document has.
        let shouning = try runFieldsync(["scores", "--config", root + "/fieldsync.toml", "--unit", "寿宁县"])
        XCTAssertEqual(shouning.status, 0, shouning.errors)
        let unit = try XCTUnwrap(doc["units"].flatMap { units -> JSONValue? in
            guard case .array(let list) = units else { return nil }
            return list.first { $0["unit"] == .string("shouning") }
        })
        guard case .number(let total)? = unit["total"] else { return XCTFail("no total") }
        XCTAssertTrue(shouning.output.contains("寿宁县 shouning"), shouning.output)
        XCTAssertTrue(shouning.output.contains("总分 Total \(try XCTUnwrap(Exact(decimal: total)).decimalString(places: 2))"), shouning.output)
        XCTAssertTrue(shouning.output.contains("siren.fixed"), shouning.output)
        let nobody = try runFieldsync(["scores", "--config", root + "/fieldsync.toml", "--unit", "atlantis"])
        XCTAssertNotEqual(nobody.status, 0)
        XCTAssertTrue(nobody.errors.contains("no unit atlantis"), nobody.errors)
        let check = try runFieldsync(["check", "--config", root + "/fieldsync.toml",
                                      root + "/drops/zherong/柘荣县-2026-第四季度补报.csv", "--source", "zherong"])
        XCTAssertEqual(check.status, 1)
        XCTAssertTrue(check.output.contains("rejected 不予接收 — 5 problems"), check.output)
    }
}
