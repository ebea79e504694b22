/// Builds scores documents (SPEC §6) as JSON text for the tests, with the parts a test
/// varies as parameters. Numbers are inserted as text so their exact spelling is kept.
package struct SampleDocument: Sendable {
    package init(office: String = "ningde-rfb", period: String = "2026", sequence: String = "7", schema: String = "fieldsync.scores/1", unitName: String = "寿宁县", unitTotal: String = "86.615", unitGrade: String = "good", unitGradeZh: String = "良", unitsMember: String? = nil, overallTotal: String = "79.99") {
        self.office = office
        self.period = period
        self.sequence = sequence
        self.schema = schema
        self.unitName = unitName
        self.unitTotal = unitTotal
        self.unitGrade = unitGrade
        self.unitGradeZh = unitGradeZh
        self.unitsMember = unitsMember
        self.overallTotal = overallTotal
    }

    package var office = "ningde-rfb"
    package var period = "2026"
    package var sequence = "7"
    package var schema = "fieldsync.scores/1"
    package var unitName = "寿宁县"
    package var unitTotal = "86.615"
    package var unitGrade = "good"
    package var unitGradeZh = "良"
    package var unitsMember: String? = nil  // replaces the whole `"units": [...]` member when set
    package var overallTotal = "79.99"

    package var key: String { "\(office)/\(period)/\(sequence)" }

    package var json: String {
        let units =
            unitsMember ?? """
                "units": [
                    {
                      "unit": "shouning", "name": \(quoted(unitName)),
                      "indicator_score": 87.5, "public_score": 91.2, "deductions": 2,
                      "total": \(unitTotal), "grade": \(quoted(unitGrade)), "grade_zh": \(quoted(unitGradeZh)), "complete": true,
                      "indicators": [
                        { "code": "siren.fixed", "name": "固定式防空警报器安装(台)", "aspect": "business", "points": 8,
                          "target": 2, "value": 2, "source": "spotcheck", "score": 8, "met": true,
                          "discrepancy": false }
                      ],
                      "public": { "respondents": 120, "score": 91.2 },
                      "findings": [ { "id": "f-1", "deduction": 2, "note": "台账不全" } ]
                    },
                    {
                      "unit": "city", "name": "市本级",
                      "indicator_score": 50, "public_score": 60.25, "deductions": 0,
                      "total": 53.08, "grade": "poor", "grade_zh": "差", "complete": false,
                      "indicators": []
                    }
                  ]
                """
        return """
            {
              "schema": \(quoted(schema)),
              "office": \(quoted(office)),
              "period": \(quoted(period)),
              "scheme": { "name": "宁德市人防办2026年度绩效评估指标",
                          "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" },
              "sequence": \(sequence),
              "generated_at": "2026-11-27T04:00:00Z",
              "overall": {
                "indicator_score": 80, "public_score": 79.3, "deductions": 2,
                "total": \(overallTotal), "grade": "good", "grade_zh": "良", "complete": false,
                "indicators": [ { "code": "siren.fixed", "score": 8, "points": 8, "met": true } ]
              },
              \(units)
            }
            """
    }

    private func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
