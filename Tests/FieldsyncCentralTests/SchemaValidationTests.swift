import FieldsyncProtocol
import FieldsyncTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import XCTest

/// Documents that are JSON but not a `fieldsync.scores/1` document answer 422 naming the field.
final class SchemaValidationTests: CentralTestCase {
    /// Pushes `document` and returns the `field` of the 422 answer.
    private func refusedField(_ document: SampleDocument, file: StaticString = #filePath, line: UInt = #line)
        async throws -> String?
    {
        let server = try makeServer()
        let field = try await server.makeApplication().test(.router) { client in
            let response = try await Self.push(client, document.json, key: document.key)
            XCTAssertEqual(response.status, .unprocessableContent, String(buffer: response.body), file: file, line: line)
            let reply = try Self.json(response)
            XCTAssertEqual(reply["status"] as? String, "invalid", file: file, line: line)
            XCTAssertNotNil(reply["error"] as? String, file: file, line: line)
            return reply["field"] as? String
        }
        let count = try await server.store.documentCount()
        XCTAssertEqual(count, 0, "a refused document must not be stored", file: file, line: line)
        return field
    }

    func testWrongSchemaString() async throws {
        let field = try await refusedField(SampleDocument(schema: "fieldsync.scores/3"))
        XCTAssertEqual(field, "schema")
    }

    func testBadGrade() async throws {
        let field = try await refusedField(SampleDocument(unitGrade: "great"))
        XCTAssertEqual(field, "units[0].grade")
    }

    func testGradeZhMustMatchGrade() async throws {
        let field = try await refusedField(SampleDocument(unitGrade: "good", unitGradeZh: "优秀"))
        XCTAssertEqual(field, "units[0].grade_zh")
    }

    func testMissingUnits() async throws {
        var document = SampleDocument()
        document.unitsMember = #""no_units": true"#
        let field = try await refusedField(document)
        XCTAssertEqual(field, "units")
    }

    func testUnitsNotAnArray() async throws {
        var document = SampleDocument()
        document.unitsMember = #""units": {}"#
        let field = try await refusedField(document)
        XCTAssertEqual(field, "units")
    }

    func testSequenceMustBeAPositiveInteger() async throws {
        for sequence in ["0", "1.5", "-3", "1e2", "\"7\""] {
            let field = try await refusedField(SampleDocument(sequence: sequence))
            XCTAssertEqual(field, "sequence", sequence)
        }
    }

    func testTotalMustBeANumberInRange() async throws {
        let asString = try await refusedField(SampleDocument(unitTotal: "\"86.6\""))
        XCTAssertEqual(asString, "units[0].total")
        let tooHigh = try await refusedField(SampleDocument(unitTotal: "100.01"))
        XCTAssertEqual(tooHigh, "units[0].total")
    }

    func testOfficeMustNotContainSlash() async throws {
        let field = try await refusedField(SampleDocument(office: "a/b"))
        XCTAssertEqual(field, "office")
    }

    func testDuplicateUnit() async throws {
        var document = SampleDocument()
        let unit = """
            {"unit":"city","name":"市本级","indicator_score":1,"public_score":1,"deductions":0,"total":1,\
            "grade":"poor","grade_zh":"差","complete":true,"indicators":[]}
            """
        document.unitsMember = "\"units\": [\(unit), \(unit)]"
        let field = try await refusedField(document)
        XCTAssertEqual(field, "units[1].unit")
    }

    func testCheckNamesNestedIndicatorFields() throws {
        let text = SampleDocument().json.replacingOccurrences(of: #""met": true,"#, with: #""met": "yes","#)
        let document = try JSONParser.parse(Array(text.utf8))
        XCTAssertThrowsError(try ScoresDocumentCheck.check(document)) { error in
            XCTAssertEqual((error as? DocumentProblem)?.field, "units[0].indicators[0].met")
        }
    }

    func testSampleDocumentPasses() throws {
        let document = try JSONParser.parse(Array(SampleDocument().json.utf8))
        let identity = try ScoresDocumentCheck.check(document)
        XCTAssertEqual(identity, IdempotencyKey(office: "ningde-rfb", period: "2026", sequence: 7))
    }

    func testTheSpecExampleShapePasses() throws {
        // SPEC §6 with its elisions filled in; extra members are allowed.
        let text = """
            {"schema":"fieldsync.scores/1","office":"ningde-rfb","period":"2026",
             "scheme":{"name":"x","sha256":"\(String(repeating: "a", count: 64))"},"sequence":1,
             "generated_at":"2026-11-27T12:00:00.250+08:00","extra":{"future":true},
             "overall":{"indicator_score":0,"public_score":0,"deductions":0,"total":0,"grade":"poor",
                        "grade_zh":"差","complete":false,"indicators":[]},
             "units":[]}
            """
        XCTAssertNoThrow(try ScoresDocumentCheck.check(try JSONParser.parse(Array(text.utf8))))
    }
}
