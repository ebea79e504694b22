/// Builds scores documents (SPEC §6) as JSON text for the tests, with the parts a test
/// varies as parameters. Numbers are inserted as text so their exact spelling is kept.
struct SampleDocument {
    var office = "ningde-rfb"
    var period = "2026"
    var sequence = "7"
    var schema = "fieldsync.scores/1"
    var unitName = "寿宁县"
    var unitTotal = "86.615"
    var unitGrade = "good"
    var unitGradeZh = "良"
    var unitsMember: String? = nil  // replaces the whole `"units": [...]` member when set
    var overallTotal = "79.99"

    var key: String { "\(office)/\(period)/\(sequence)" }

    var json: String {
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
