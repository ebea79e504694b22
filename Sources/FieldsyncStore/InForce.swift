import FieldsyncModel
import FieldsyncScoring
import GRDB
import GRDBSQLite

/// What is in force for scoring (SPEC §4.1), kept by the ``Reconciler`` as records
/// arrive: for each period, unit and indicator the latest report and the latest
/// spot-check; for each unit the sums of its surveys; the findings. Scoring a period
/// reads these — at most units × indicators × 2 values, a row per unit and the
/// findings — never the revision history, so it costs the same in a store of a
/// thousand records and of a million.
///
/// Owns the tables `in_force_value`, `in_force_public` and `in_force_finding`. They
/// hold nothing the `revision` table does not: ``rebuild(_:)`` makes them again from it
/// (the migration that brought them does), and the tests check that what the reconciler
/// keeps equals what a rebuild gives.
public enum InForce {
    static func createTables(_ db: Database) throws {
        try db.execute(sql: """
            -- The latest report and the latest spot-check in force of each indicator of
            -- each unit: by observed_at, then revision, then id.
            CREATE TABLE in_force_value (
                period TEXT NOT NULL,
                unit TEXT NOT NULL,
                indicator TEXT NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN ('report', 'spotcheck')),
                record_id TEXT NOT NULL,
                revision INTEGER NOT NULL,
                observed_at INTEGER NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (period, unit, indicator, kind)
            ) WITHOUT ROWID;
            -- Each unit's surveys in force, summed: Σ score × respondents and Σ
            -- respondents, exact (Exact.rationalText), and how many.
            CREATE TABLE in_force_public (
                period TEXT NOT NULL,
                unit TEXT NOT NULL,
                weighted_score TEXT NOT NULL,
                respondents TEXT NOT NULL,
                surveys INTEGER NOT NULL,
                PRIMARY KEY (period, unit)
            ) WITHOUT ROWID;
            -- The findings in force.
            CREATE TABLE in_force_finding (
                period TEXT NOT NULL,
                unit TEXT NOT NULL,
                record_id TEXT NOT NULL,
                deduction TEXT NOT NULL,
                note TEXT,
                PRIMARY KEY (period, unit, record_id)
            ) WITHOUT ROWID;
            """)
    }

    /// Each unit's version of what is in force: bumped in the transaction that changes
    /// any of the unit's rows in the three tables — only this type writes them, in
    /// ``apply(_:_:)`` and ``rebuild(_:)`` — and never reused. The courier keeps what
    /// it scored last with the versions it read in the same snapshot, and scores again
    /// only the units whose version moved. (Once per unit and file, not per row: a
    /// trigger per row cost a large file 27 ms more.)
    static func createVersions(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE in_force_version (
                period TEXT NOT NULL,
                unit TEXT NOT NULL,
                version INTEGER NOT NULL,
                PRIMARY KEY (period, unit)
            ) WITHOUT ROWID;
            """)
    }

    /// Moves the version of each unit in `units`.
    private static func bump(_ units: Set<InForceChanges.UnitKey>, _ db: Database) throws {
        guard !units.isEmpty else { return }
        let statement = try db.cachedStatement(sql: """
            INSERT INTO in_force_version (period, unit, version) VALUES (?, ?, 1)
            ON CONFLICT (period, unit) DO UPDATE SET version = version + 1
            """)
        for unit in units { try statement.execute(arguments: [unit.period, unit.unit]) }
    }

    // MARK: Reading

    /// Whether anything of `period` is in force: a value, a survey or a finding.
    public static func hasAnything(_ db: Database, period: String) throws -> Bool {
        try Bool.fetchOne(db, sql: """
            SELECT EXISTS (SELECT 1 FROM in_force_value WHERE period = ?1)
                OR EXISTS (SELECT 1 FROM in_force_public WHERE period = ?1)
                OR EXISTS (SELECT 1 FROM in_force_finding WHERE period = ?1)
            """, arguments: [period]) ?? false
    }

    /// The version of each unit of a period with anything in force, or that had
    /// (``createVersions(_:)``); a unit without one has version 0.
    public static func versions(_ db: Database, period: String) throws -> [String: Int64] {
        var versions: [String: Int64] = [:]
        let rows = try Row.fetchCursor(db, sql: "SELECT unit, version FROM in_force_version WHERE period = ?",
                                       arguments: [period])
        while let row = try rows.next() { versions[row[0]] = row[1] }
        return versions
    }

    /// The current values of a period for `scheme` (its units and indicators only); of
    /// `units` only, when given.
    public static func values(_ db: Database, period: String, scheme: Scheme, units only: [String]? = nil) throws -> CurrentValues {
        var values = CurrentValues()
        let units = Set(scheme.units.map(\.code))
        let indicators = Set(scheme.indicators.map(\.code))
        if let only {
            for unit in only where units.contains(unit) {
                try read(db, period: period, unit: unit, units: units, indicators: indicators, into: &values)
            }
        } else {
            try read(db, period: period, unit: nil, units: units, indicators: indicators, into: &values)
        }
        return values
    }

    /// Adds what is in force of a period (of one unit, if given) to `values`.
    private static func read(_ db: Database, period: String, unit only: String?, units: Set<String>,
                             indicators: Set<String>, into values: inout CurrentValues) throws {
        let unitCondition = only == nil ? "" : " AND unit = ?"
        var arguments: StatementArguments = [period]
        if let only { arguments += [only] }
        // A cursor, not fetchAll: one row at a time, reused (a period holds up to
        // units × indicators × 2 of them).
        let rows = try Row.fetchCursor(db, sql: """
            SELECT unit, indicator, kind = ?, value FROM in_force_value WHERE period = ?\(unitCondition) ORDER BY unit
            """, arguments: [RecordKind.spotcheck.rawValue] + arguments)
        var unit = "", ofUnit: [String: Evidence] = [:]
        while let row = try rows.next() {
            let rowUnit: String = row[0], indicator: String = row[1]
            if rowUnit != unit {
                if !ofUnit.isEmpty { values.evidence[unit] = ofUnit }
                unit = rowUnit
                ofUnit = [:]
            }
            guard units.contains(unit), indicators.contains(indicator), let value = Exact(decimal: row[3] as String) else { continue }
            if row[2] as Bool { ofUnit[indicator, default: Evidence()].spotcheck = value } else { ofUnit[indicator, default: Evidence()].report = value }
        }
        if !ofUnit.isEmpty { values.evidence[unit] = ofUnit }
        for row in try Row.fetchAll(db, sql: """
            SELECT unit, weighted_score, respondents, surveys FROM in_force_public WHERE period = ?\(unitCondition)
            """, arguments: arguments) {
            let unit: String = row[0]
            guard units.contains(unit), let weighted = Exact(rationalText: row[1]), let respondents = Exact(rationalText: row[2]) else { continue }
            values.publicTotals[unit] = PublicTotal(weightedScore: weighted, respondents: respondents, surveys: row[3])
        }
        for row in try Row.fetchAll(db, sql: """
            SELECT unit, record_id, deduction, note FROM in_force_finding WHERE period = ?\(unitCondition)
            """, arguments: arguments) {
            let unit: String = row[0]
            guard units.contains(unit), let deduction = Exact(decimal: row[2] as String) else { continue }
            values.findings[unit, default: []].append(Finding(id: row[1], deduction: deduction, note: row[3]))
        }
    }

    // MARK: Keeping them

    /// Applies one file's changes (``InForceChanges``), inside the file's transaction.
    /// - Parameter versioned: false only in migration v5, whose rebuild of an older store
    ///   runs before v8 makes the versions' table (a new store's versions start then).
    static func apply(_ changes: InForceChanges, _ db: Database, versioned: Bool = true) throws {
        if versioned { try bump(changes.units, db) }
        var recompute = Set<InForceChanges.Cell>()
        let stored = try storedLatest(of: Set(changes.cells.keys), db)
        let write = try ValueWriter(db)
        for (cell, change) in changes.cells {
            let latest = try stored(cell)
            if change.lostBest || latest.map({ change.removed.contains($0.id) }) == true {
                recompute.insert(cell)
                continue
            }
            guard let best = change.best else { continue }
            if let latest, (latest.observedAt, latest.revision, latest.id) >= (best.observedAt, best.revision, best.id) {
                continue
            }
            try write(cell, best)
        }
        try self.recompute(recompute, db, write)

        for (key, delta) in changes.publicTotals {
            let current = try Row.fetchOne(db, sql: """
                SELECT weighted_score, respondents, surveys FROM in_force_public WHERE period = ? AND unit = ?
                """, arguments: [key.period, key.unit]).flatMap { row -> PublicTotal? in
                guard let w = Exact(rationalText: row[0]), let r = Exact(rationalText: row[1]) else { return nil }
                return PublicTotal(weightedScore: w, respondents: r, surveys: row[2])
            } ?? .none
            let total = current + delta
            if total.surveys <= 0 {
                try db.execute(sql: "DELETE FROM in_force_public WHERE period = ? AND unit = ?", arguments: [key.period, key.unit])
            } else {
                try db.execute(sql: """
                    INSERT OR REPLACE INTO in_force_public (period, unit, weighted_score, respondents, surveys) VALUES (?, ?, ?, ?, ?)
                    """, arguments: [key.period, key.unit, total.weightedScore.rationalText, total.respondents.rationalText, total.surveys])
            }
        }

        for (key, finding) in changes.findings {
            if let finding {
                try db.execute(sql: """
                    INSERT OR REPLACE INTO in_force_finding (period, unit, record_id, deduction, note) VALUES (?, ?, ?, ?, ?)
                    """, arguments: [key.period, key.unit, key.id, finding.deduction, finding.note])
            } else {
                try db.execute(sql: "DELETE FROM in_force_finding WHERE period = ? AND unit = ? AND record_id = ?",
                               arguments: [key.period, key.unit, key.id])
            }
        }
    }

    /// Writes a cell's latest value, bound by hand (GRDB's arguments cost a large file's
    /// 5,000 cells 10 ms) on a statement kept by the connection (preparing it again for
    /// each cell cost 50 ms).
    private struct ValueWriter {
        let statement: Statement
        let arena: BindArena

        init(_ db: Database) throws {
            statement = try db.cachedStatement(sql: """
                INSERT OR REPLACE INTO in_force_value (period, unit, indicator, kind, record_id, revision, observed_at, value)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
            arena = BindArena(for: [statement])
        }

        func callAsFunction(_ cell: InForceChanges.Cell, _ value: InForceChanges.Candidate) throws {
            try arena.run(statement) { stmt in
                arena.bind(stmt, 1, cell.period)
                arena.bind(stmt, 2, cell.unit)
                arena.bind(stmt, 3, cell.indicator)
                arena.bind(stmt, 4, cell.kind.rawValue)
                arena.bind(stmt, 5, value.id)
                sqlite3_bind_int64(stmt, 6, Int64(value.revision))
                sqlite3_bind_int64(stmt, 7, value.observedAt)
                arena.bind(stmt, 8, value.value)
            }
        }
    }

    /// What a cell holds now, before a file's changes: the latest value's id, revision
    /// and time (its value left out). A few cells are looked up one by one; more than
    /// `scanAbove` per period (a large file) are read with their periods, one scan
    /// each, instead of a query per cell.
    static func storedLatest(of cells: Set<InForceChanges.Cell>, _ db: Database,
                             scanAbove: Int = 64) throws -> (InForceChanges.Cell) throws -> InForceChanges.Candidate? {
        let periods = Set(cells.map(\.period))
        guard !periods.isEmpty, cells.count / periods.count > scanAbove else {
            let read = try db.cachedStatement(sql: """
                SELECT record_id, revision, observed_at FROM in_force_value
                WHERE period = ? AND unit = ? AND indicator = ? AND kind = ?
                """)
            return { cell in
                try Row.fetchOne(read, arguments: [cell.period, cell.unit, cell.indicator, cell.kind.rawValue]).map {
                    InForceChanges.Candidate(id: $0[0], revision: $0[1], observedAt: $0[2], value: "")
                }
            }
        }
        var latest: [InForceChanges.Cell: InForceChanges.Candidate] = [:]
        for period in periods {
            let rows = try Row.fetchCursor(db, sql: """
                SELECT unit, indicator, kind, record_id, revision, observed_at FROM in_force_value WHERE period = ?
                """, arguments: [period])
            while let row = try rows.next() {
                guard let kind = RecordKind(rawValue: row[2]) else { continue }
                let cell = InForceChanges.Cell(period: period, unit: row[0], indicator: row[1], kind: kind)
                guard cells.contains(cell) else { continue }
                latest[cell] = InForceChanges.Candidate(id: row[3], revision: row[4], observedAt: row[5], value: "")
            }
        }
        return { latest[$0] }
    }

    /// Finds the latest value of each cell again from the revisions in force: for the
    /// cells whose value was withdrawn or corrected backwards in time. One scan of the
    /// heads per period (a retraction or a correction of `observed_at` is rare; a file
    /// of new revisions moving forward never comes here).
    private static func recompute(_ cells: Set<InForceChanges.Cell>, _ db: Database, _ write: ValueWriter) throws {
        for period in Set(cells.map(\.period)) {
            var best: [InForceChanges.Cell: InForceChanges.Candidate] = [:]
            let wanted = cells.filter { $0.period == period }
            let heads = try Row.fetchCursor(db, sql: """
                SELECT record_id, revision, kind, unit, indicator, value, observed_at FROM revision
                WHERE in_force = 1 AND period = ? AND action = ? AND kind IN (?, ?)
                """, arguments: [period, RecordAction.upsert.rawValue, RecordKind.report.rawValue, RecordKind.spotcheck.rawValue])
            while let row = try heads.next() {
                guard let kind = RecordKind(rawValue: row[2]), let indicator: String = row[4], let value: String = row[5] else { continue }
                let cell = InForceChanges.Cell(period: period, unit: row[3], indicator: indicator, kind: kind)
                guard wanted.contains(cell) else { continue }
                let candidate = InForceChanges.Candidate(id: row[0], revision: row[1], observedAt: row[6], value: value)
                if let current = best[cell], current.beats(candidate) { continue }
                best[cell] = candidate
            }
            for cell in wanted {
                if let value = best[cell] {
                    try write(cell, value)
                } else {
                    try db.execute(sql: """
                        DELETE FROM in_force_value WHERE period = ? AND unit = ? AND indicator = ? AND kind = ?
                        """, arguments: [cell.period, cell.unit, cell.indicator, cell.kind.rawValue])
                }
            }
        }
    }

    // MARK: Rebuilding

    /// Makes the tables again from the revisions in force: what the migration that
    /// brought them does, and what the tests compare the kept tables with.
    public static func rebuild(_ db: Database, versioned: Bool = true) throws {
        if versioned {
            // Every unit that had anything in force changes version, whatever it has after.
            let had = try Row.fetchAll(db, sql: """
                SELECT period, unit FROM in_force_value UNION SELECT period, unit FROM in_force_public
                UNION SELECT period, unit FROM in_force_finding
                """).map { InForceChanges.UnitKey(period: $0[0], unit: $0[1]) }
            try bump(Set(had), db)
        }
        try db.execute(sql: "DELETE FROM in_force_value; DELETE FROM in_force_public; DELETE FROM in_force_finding")
        var changes = InForceChanges()
        let heads = try Row.fetchCursor(db, sql: """
            SELECT record_id, revision, kind, period, unit, indicator, value, deduction, score, respondents, observed_at, note
            FROM revision WHERE in_force = 1 AND action = ?
            """, arguments: [RecordAction.upsert.rawValue])
        while let row = try heads.next() {
            guard let kind = RecordKind(rawValue: row[2]) else { continue }
            changes.add(InForceChanges.Entry(id: row[0], revision: row[1], kind: kind, period: row[3], unit: row[4],
                                             indicator: row[5], value: row[6], deduction: row[7], score: row[8],
                                             respondents: row[9], observedAt: row[10], note: row[11]))
        }
        try apply(changes, db, versioned: versioned)
    }
}
