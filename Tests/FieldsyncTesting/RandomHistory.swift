/// A long random history of files for the test site's scheme (units shouning and fuan):
/// new ids, corrections forward and back in time, retractions, an indicator changed,
/// surveys and findings replaced. Deterministic for a seed; what the tests of what is in
/// force and of scoring unit by unit replay.
package enum RandomHistory {
    /// A record of the random history: the source that sends it and its JSON line.
    package struct Step: Sendable {
        package var source: String
        package var json: String
    }

    /// A deterministic random history of `count` files of a few records each.
    package static func files(seed: UInt64, count files: Int) -> [[Step]] {
        var rng = SplitMix64(seed: seed)
        var revisions: [String: Int] = [:]
        let days = ["2026-03-01", "2026-06-01", "2026-09-01", "2026-11-20"]
        var out: [[Step]] = []
        for _ in 0 ..< files {
            let kind = ["report", "spotcheck", "survey", "finding"][Int(rng.next() % 4)]
            var steps: [Step] = []
            for _ in 0 ..< 1 + Int(rng.next() % 4) {
                let unit = rng.next() % 2 == 0 ? "shouning" : "fuan"
                let source = kind == "report" ? unit : kind == "survey" ? "survey" : "inspectors"
                // Ids belong to a kind and a unit (a revision may not change them).
                let id = "\(kind)-\(unit)-\(rng.next() % 4)"
                let last = revisions[id] ?? 0
                // Mostly a new revision; now and then the same one or an older one.
                let revision = max(1, last + [1, 1, 1, 2, 0, -1][Int(rng.next() % 6)])
                revisions[id] = max(last, revision)
                let action = rng.next() % 8 == 0 ? "retract" : "upsert"
                let at = days[Int(rng.next() % UInt64(days.count))]
                var fields = #""id": "\#(id)", "kind": "\#(kind)", "period": "2026", "unit": "\#(unit)", "observed_at": "\#(at)", "revision": \#(revision), "action": "\#(action)""#
                if action == "upsert" {
                    switch kind {
                    case "report", "spotcheck":
                        let indicator = rng.next() % 3 == 0 ? "duty.24h" : "siren.fixed"
                        let value = indicator == "duty.24h" ? "\(rng.next() % 2)" : "\(rng.next() % 4).\(rng.next() % 10)"
                        fields += #", "indicator": "\#(indicator)", "value": \#(value)"#
                    case "survey":
                        fields += #", "score": \#(60 + rng.next() % 40).\#(rng.next() % 100), "respondents": \#(1 + rng.next() % 500)"#
                    default:
                        fields += #", "deduction": 0.\#(1 + rng.next() % 9), "note": "第\#(rng.next() % 100)号""#
                    }
                }
                steps.append(Step(source: source, json: "{\(fields)}"))
            }
            out.append(steps)
        }
        return out
    }
}
