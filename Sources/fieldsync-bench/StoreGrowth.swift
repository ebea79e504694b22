// The store as it grows: after the main data set, three more files into the same store,
// each finding it as the one before left it — new records; the first spreadsheet sent
// again with one row corrected; a new revision of every record of the first — beside
// sqlite3 appending the new records to its already filled table (which, as in the main
// comparison, has no key or index to keep).

import Foundation
import Glibc

enum StoreGrowth {
    /// One timed file of the sequence, and what its receipt must count.
    struct Step {
        var label: String
        var name: String
        var imported = 0
        var updated = 0
        var ignored = 0
    }

    struct Row {
        var label: String
        var fieldsync: [ChildResult] = []
        /// sqlite3 appending the same bytes to its filled table, where it has a peer.
        var sqlite: [ChildResult] = []
    }

    /// Writes the three follow-up files derived from the main CSV (whose ids are
    /// `sc-2026-…`, revision in the 8th column, and nothing before the note quoted):
    /// the same rows under new ids; the first row at revision 5 with another
    /// inspector, the rest unchanged; and every row at revision 3.
    static func deriveFiles(from csv: String, into dir: String) -> (newIDs: String, revisions: String, oneChanged: String) {
        guard let text = try? String(contentsOfFile: csv, encoding: .utf8) else { die("cannot read \(csv)") }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        let header = lines.removeFirst()
        func replacingColumn(_ line: String, _ index: Int, with value: String) -> String {
            var fields = line.split(separator: ",", maxSplits: index + 1, omittingEmptySubsequences: false).map(String.init)
            fields[index] = value
            return fields.joined(separator: ",")
        }
        func write(_ name: String, _ rows: [String]) -> String {
            let path = dir + "/" + name
            do { try ([header] + rows + [""]).joined(separator: "\n").write(toFile: path, atomically: false, encoding: .utf8) } catch {
                die("cannot write \(path): \(error)")
            }
            return path
        }
        let newIDs = write("growth-new-ids.csv", lines.map { $0.replacingOccurrences(of: "sc-2026-", with: "sc-2027-", options: .anchored) })
        let revisions = write("growth-revisions.csv", lines.map { replacingColumn($0, 7, with: "3") })
        var corrected = lines
        corrected[0] = replacingColumn(corrected[0], 7, with: "5").replacingOccurrences(of: ",insp-", with: ",insq-")
        let oneChanged = write("growth-one-changed.csv", corrected)
        return (newIDs, revisions, oneChanged)
    }

    /// Runs the sequence `reps` times, each in a fresh site whose store first takes the
    /// main CSV (untimed), and returns one row per follow-up file.
    static func run(base: String, csv: String, records: Int, reps: Int, selfPath: String, sqlite3: String) -> [Row] {
        let files = deriveFiles(from: csv, into: base)
        let n = grouped(records), twice = grouped(2 * records)
        let steps = [
            (Step(label: "\(n) new ids (store: \(n) ids)", name: "b-new.csv", imported: records), files.newIDs),
            // Unchanged rows: the same id, revision and content again.
            (Step(label: "the first file again, one row corrected (store: \(twice) ids)", name: "c-corrected.csv",
                  updated: 1, ignored: records - 1), files.oneChanged),
            // The corrected row is already at revision 5: 3 is older there.
            (Step(label: "a new revision of each id of the first file (store: \(twice) ids)", name: "d-revisions.csv",
                  updated: records - 1, ignored: 1), files.revisions),
        ]
        var rows = steps.map { Row(label: $0.0.label) }
        for rep in 0..<reps {
            let dir = base + "/growth-\(rep)"
            prepareSite(dir, base: base)
            place(csv, in: dir, as: "a-first.csv")
            _ = ingest(dir: dir, selfPath: selfPath, step: Step(label: "first", name: "a-first.csv", imported: records))
            for (i, (step, file)) in steps.enumerated() {
                place(file, in: dir, as: step.name)
                rows[i].fieldsync.append(ingest(dir: dir, selfPath: selfPath, step: step))
            }
            try? FileManager.default.removeItem(atPath: dir)

            // sqlite3's peer of the first step: .import appending to a filled table.
            let sdir = base + "/growth-sqlite-\(rep)"
            makeDirectory(sdir)
            let db = sdir + "/import.sqlite"
            let first = spawnAndMeasure([sqlite3, db, ".import --csv \(csv) t"], dir: sdir, tag: "first")
            guard first.status == 0 else { die("sqlite3 failed: \(first.stderr)") }
            // Without the header line, which .import would otherwise store as a row.
            let r = spawnAndMeasure([sqlite3, db, ".import --csv --skip 1 \(files.newIDs) t"], dir: sdir, tag: "append")
            guard r.status == 0, r.stderr.isEmpty else { die("sqlite3 failed (\(r.status)): \(r.stderr)") }
            rows[0].sqlite.append(r)
            try? FileManager.default.removeItem(atPath: sdir)
        }
        for path in [files.newIDs, files.revisions, files.oneChanged] { unlink(path) }
        return rows
    }

    private static func place(_ file: String, in dir: String, as name: String) {
        placeFile(file, dir + "/spool/inspectors/" + name)
    }

    /// One `--child ingest`, checked against what the step must count.
    private static func ingest(dir: String, selfPath: String, step: Step) -> ChildResult {
        let r = spawnAndMeasure([selfPath, "--child", "ingest", dir], dir: dir, tag: "ingest")
        let counts = r.stdout.split(separator: " ").prefix(4).compactMap { Int($0) }
        guard r.status == 0, counts.count == 4, Array(counts[1...]) == [step.imported, step.updated, step.ignored] else {
            die("\(step.name): expected imported/updated/ignored \(step.imported)/\(step.updated)/\(step.ignored), got \(r.stdout)\(r.stderr)")
        }
        return r
    }

    /// The rows as a Markdown table.
    static func report(_ rows: [Row]) -> String {
        var out = "| next file into the store | fieldsync median | CPU | sqlite3 `.import` appending, median | ratio |\n"
        out += "| --- | --: | --: | --: | --: |\n"
        for row in rows {
            let f = median(row.fieldsync.map(\.seconds)), cpu = median(row.fieldsync.map(\.cpuSeconds))
            let s = row.sqlite.isEmpty ? nil : median(row.sqlite.map(\.seconds))
            out += "| \(row.label) | \(fmt(f, 3)) s | \(fmt(cpu, 2)) s | \(s.map { fmt($0, 3) + " s" } ?? "–") | \(s.map { fmt($0 / f, 2) } ?? "–") |\n"
        }
        return out
    }
}
