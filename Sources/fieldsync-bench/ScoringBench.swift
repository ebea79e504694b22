import FieldsyncConfig
import FieldsyncDaemon
import FieldsyncDelivery
import FieldsyncScoring
import FieldsyncStore
import Foundation

/// `--score CONFIG [REPS]`: how long scoring one period takes, in the steps the courier
/// takes — read what is in force (`in_force_*`, at most units × indicators × 2 rows),
/// score it exactly, write the document's content — on the store the config names, in
/// this process (no start-up counted); then what the courier does for a change to one
/// unit (`ScoringCache`: that unit read and scored again, the overall, the document
/// assembled), the change being one unit's version moved in a transaction rolled back.
/// Prints a Markdown table per period.
func scoringBench(config: String, reps: Int) -> Never {
    let setup: Setup
    let store: Store
    do {
        setup = try Setup.load(config: config)
        store = try Instance.openStore(directory: setup.config.stateDirectory)
    } catch {
        die("cannot open \(config): \(error)")
    }
    for (period, scheme) in setup.schemes.sorted(by: { $0.key < $1.key }) {
        var read: [Double] = [], score: [Double] = [], write: [Double] = [], total: [Double] = []
        var size = 0
        for _ in 0 ..< reps + 1 {  // the first is a warm-up
            let t0 = monotonicSeconds()
            let values: CurrentValues
            do {
                values = try store.writer.read { try InForce.values($0, period: period, scheme: scheme) }
            } catch {
                die("cannot read period \(period): \(error)")
            }
            let t1 = monotonicSeconds()
            let board = Scorer.score(scheme: scheme, values: values)
            let t2 = monotonicSeconds()
            size = ScoresDocument.rendered(board, office: setup.config.office).content.count
            let t3 = monotonicSeconds()
            read.append((t1 - t0) * 1000)
            score.append((t2 - t1) * 1000)
            write.append((t3 - t2) * 1000)
            total.append((t3 - t0) * 1000)
        }
        func row(_ name: String, _ xs: [Double]) -> String {
            let s = Array(xs.dropFirst()).sorted()  // without the warm-up
            let p99 = s[min(s.count - 1, Int((Double(s.count) * 0.99).rounded(.up)) - 1)]
            return "| \(name) | \(fmt(median(s), 2)) ms | \(fmt(p99, 2)) ms |"
        }
        print("period \(period): \(scheme.units.count) units × \(scheme.indicators.count) indicators, document \(grouped(size)) bytes, \(reps) runs\n")
        print("| step | p50 | p99 |\n| --- | --: | --: |")
        print(row("read what is in force", read))
        print(row("score (exact)", score))
        print(row("document content", write))
        print(row("**scoring a period, all three**", total))

        // A change to one unit, as the courier scores it.
        let cache = ScoringCache()
        var change: [Double] = []
        let unit = scheme.units[scheme.units.count / 2].code
        do {
            _ = try store.writer.read { try cache.score($0, office: setup.config.office, scheme: scheme) }
            for _ in 0 ..< reps + 1 {
                try store.writer.writeWithoutTransaction { db in
                    try db.inTransaction {
                        try db.execute(sql: """
                            INSERT INTO in_force_version (period, unit, version) VALUES (?, ?, 1)
                            ON CONFLICT (period, unit) DO UPDATE SET version = version + 1
                            """, arguments: [period, unit])
                        let t0 = monotonicSeconds()
                        _ = try cache.score(db, office: setup.config.office, scheme: scheme)
                        change.append((monotonicSeconds() - t0) * 1000)
                        return .rollback
                    }
                }
            }
        } catch {
            die("cannot score a change of period \(period): \(error)")
        }
        print(row("a change to one unit, scored unit by unit (the courier)", change))
        print()
    }
    exit(0)
}
