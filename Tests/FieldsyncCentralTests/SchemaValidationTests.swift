import FieldsyncProtocol
import FieldsyncTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Documents that are JSON but not a `fieldsync.scores/1` document answer 422 naming the
/// field, and are not stored, whichever engine is behind the receiver.
@Suite("A document that is not fieldsync.scores/1 is refused naming the field")
struct SchemaValidationTests {
    /// Pushes `document` to a new receiver on `engine`, and returns the `field` of the 422
    /// answer after checking the rest of the answer and that nothing was stored.
    private func refusedField(_ document: SampleDocument, on engine: CentralEngine,
                              sourceLocation: SourceLocation = #_sourceLocation) async throws -> String? {
        let server = try await engine.makeServer()
        let field = try await server.makeApplication().test(.router) { client in
            let response = try await push(client, document.json, key: document.key)
            #expect(response.status == .unprocessableContent, "\(String(buffer: response.body))", sourceLocation: sourceLocation)
            let reply = try jsonObject(response)
            #expect(reply["status"] as? String == "invalid", sourceLocation: sourceLocation)
            #expect(reply["error"] as? String != nil, sourceLocation: sourceLocation)
            return reply["field"] as? String
        }
        let count = try await server.store.documentCount()
        #expect(count == 0, "a refused document must not be stored", sourceLocation: sourceLocation)
        return field
    }

    @Test("Another schema string is refused at schema", arguments: CentralEngine.allCases)
    func wrongSchemaString(engine: CentralEngine) async throws {
        let field = try await refusedField(SampleDocument(schema: "fieldsync.scores/3"), on: engine)
        #expect(field == "schema")
    }

    @Test("A grade that is not one of the four is refused at the unit's grade", arguments: CentralEngine.allCases)
    func badGrade(engine: CentralEngine) async throws {
        let field = try await refusedField(SampleDocument(unitGrade: "great"), on: engine)
        #expect(field == "units[0].grade")
    }

    @Test("A Chinese grade that says another grade than the English one is refused at grade_zh", arguments: CentralEngine.allCases)
    func gradeZhMustMatchGrade(engine: CentralEngine) async throws {
        let field = try await refusedField(SampleDocument(unitGrade: "good", unitGradeZh: "优秀"), on: engine)
        #expect(field == "units[0].grade_zh")
    }

    @Test("A document without units is refused at units", arguments: CentralEngine.allCases)
    func missingUnits(engine: CentralEngine) async throws {
        var document = SampleDocument()
        document.unitsMember = #""no_units": true"#
        let field = try await refusedField(document, on: engine)
        #expect(field == "units")
    }

    @Test("Units that are not an array are refused at units", arguments: CentralEngine.allCases)
    func unitsNotAnArray(engine: CentralEngine) async throws {
        var document = SampleDocument()
        document.unitsMember = #""units": {}"#
        let field = try await refusedField(document, on: engine)
        #expect(field == "units")
    }

    @Test("A sequence that is not a positive integer (0, a fraction, negative, an exponent, a string) is refused at sequence",
          arguments: CentralEngine.allCases)
    func sequenceMustBeAPositiveInteger(engine: CentralEngine) async throws {
        for sequence in ["0", "1.5", "-3", "1e2", "\"7\""] {
            let field = try await refusedField(SampleDocument(sequence: sequence), on: engine)
            #expect(field == "sequence", "\(sequence)")
        }
    }

    @Test("A total that is a string, or over 100, is refused at the unit's total", arguments: CentralEngine.allCases)
    func totalMustBeANumberInRange(engine: CentralEngine) async throws {
        let asString = try await refusedField(SampleDocument(unitTotal: "\"86.6\""), on: engine)
        #expect(asString == "units[0].total")
        let tooHigh = try await refusedField(SampleDocument(unitTotal: "100.01"), on: engine)
        #expect(tooHigh == "units[0].total")
    }

    @Test("An office with a slash is refused at office", arguments: CentralEngine.allCases)
    func officeMustNotContainSlash(engine: CentralEngine) async throws {
        let field = try await refusedField(SampleDocument(office: "a/b"), on: engine)
        #expect(field == "office")
    }

    @Test("A unit listed twice is refused at the second", arguments: CentralEngine.allCases)
    func duplicateUnit(engine: CentralEngine) async throws {
        var document = SampleDocument()
        let unit = """
            {"unit":"city","name":"市本级","indicator_score":1,"public_score":1,"deductions":0,"total":1,\
            "grade":"poor","grade_zh":"差","complete":true,"indicators":[]}
            """
        document.unitsMember = "\"units\": [\(unit), \(unit)]"
        let field = try await refusedField(document, on: engine)
        #expect(field == "units[1].unit")
    }

    @Test("The check names a field nested in an indicator")
    func checkNamesNestedIndicatorFields() throws {
        let text = SampleDocument().json.replacingOccurrences(of: #""met": true,"#, with: #""met": "yes","#)
        let document = try JSONParser.parse(Array(text.utf8))
        let error = #expect(throws: DocumentProblem.self) { try ScoresDocumentCheck.check(document) }
        #expect(error?.field == "units[0].indicators[0].met")
    }

    @Test("The sample document passes, with its office, period and sequence as identity")
    func sampleDocumentPasses() throws {
        let document = try JSONParser.parse(Array(SampleDocument().json.utf8))
        let identity = try ScoresDocumentCheck.check(document)
        #expect(identity == IdempotencyKey(office: "ningde-rfb", period: "2026", sequence: 7))
    }

    @Test("The shape of SPEC §6's example passes; members the check does not know are allowed")
    func theSpecExampleShapePasses() throws {
        // SPEC §6 with its elisions filled in; extra members are allowed.
        let text = """
            {"schema":"fieldsync.scores/1","office":"ningde-rfb","period":"2026",
             "scheme":{"name":"x","sha256":"\(String(repeating: "a", count: 64))"},"sequence":1,
             "generated_at":"2026-11-27T12:00:00.250+08:00","extra":{"future":true},
             "overall":{"indicator_score":0,"public_score":0,"deductions":0,"total":0,"grade":"poor",
                        "grade_zh":"差","complete":false,"indicators":[]},
             "units":[]}
            """
        #expect(throws: Never.self) { try ScoresDocumentCheck.check(try JSONParser.parse(Array(text.utf8))) }
    }
}
