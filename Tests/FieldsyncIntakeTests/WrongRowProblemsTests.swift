import FieldsyncTesting
import Foundation
import Testing

/// A row already wrong (a missing id, a time that is no time) is told what is wrong with
/// it, not also that its numbers are out of range: the number checks of a kind's own
/// fields run only for a row with no problem so far. Each case lists exactly the fields
/// its problems name.
@Suite("The problems of a row already wrong")
struct WrongRowProblemsTests {
    @Test("Only the first wrongs are listed, the numbers of a wrong row are not checked",
          arguments: [
              (#"{"kind": "survey", "period": "2026", "unit": "shouning", "observed_at": "2026-11-20", "score": 90, "respondents": 0}"#,
               ["id"]),
              (#"{"id": "v-1", "kind": "survey", "period": "2026", "unit": "shouning", "observed_at": "nope", "score": 90, "respondents": 0}"#,
               ["observed_at"]),
              (#"{"id": "v-2", "kind": "survey", "period": "2026", "unit": "shouning", "observed_at": "nope", "score": 99.123456789}"#,
               ["observed_at"]),
              // And with nothing else wrong, the numbers are checked.
              (#"{"id": "v-3", "kind": "survey", "period": "2026", "unit": "shouning", "observed_at": "2026-11-20", "score": 90, "respondents": 0}"#,
               ["respondents"]),
              (#"{"id": "v-4", "kind": "survey", "period": "2026", "unit": "shouning", "observed_at": "2026-11-20", "score": 99.123456789}"#,
               ["score"]),
          ])
    func onlyTheFirstWrongs(row: String, fields: [String]) throws {
        let site = try TestSite()
        let problems = try site.ingest("survey", "row.jsonl", row + "\n").problems
        #expect(problems.map { $0.field ?? "-" } == fields, "\(problems.map(\.en))")
    }
}
