import FieldsyncModel
import FieldsyncScoring

/// One file's effect on what is in force (``InForce``), gathered record by record as
/// the ``Reconciler`` applies them and written once before the file commits: a file of
/// 200,000 spot-checks of 5,000 indicators writes 5,000 rows, not 200,000.
struct InForceChanges {
    /// One indicator of one unit, as reported or as spot-checked.
    struct Cell: Hashable {
        var period: String
        var unit: String
        var indicator: String
        var kind: RecordKind
    }

    /// A value that may be the cell's latest.
    struct Candidate {
        var id: String
        var revision: Int
        var observedAt: Int64
        var value: String

        /// Later by observed_at, then revision, then id (SPEC §4.1).
        func beats(_ other: Candidate) -> Bool {
            (observedAt, revision, id) > (other.observedAt, other.revision, other.id)
        }
    }

    /// What happened to a cell in this file.
    struct CellChange {
        /// The latest value the file brought.
        var best: Candidate?
        /// Ids whose value for this cell left force: if the stored latest is one of
        /// them, the cell is found again from the revisions.
        var removed: Set<String> = []
        /// The file's own best left force again: found again from the revisions too.
        var lostBest = false
    }

    struct UnitKey: Hashable {
        var period: String
        var unit: String
    }

    struct FindingKey: Hashable {
        var period: String
        var unit: String
        var id: String
    }

    struct FindingValue {
        var deduction: String
        var note: String?
    }

    /// A revision of an upsert, as much of it as what is in force needs.
    struct Entry {
        var id: String
        var revision: Int
        var kind: RecordKind
        var period: String
        var unit: String
        var indicator: String?
        var value: String?
        var deduction: String?
        var score: String?
        var respondents: Int?
        var observedAt: Int64
        var note: String?

        init(id: String, revision: Int, kind: RecordKind, period: String, unit: String, indicator: String?,
             value: String?, deduction: String?, score: String?, respondents: Int?, observedAt: Int64, note: String?) {
            (self.id, self.revision, self.kind, self.period, self.unit) = (id, revision, kind, period, unit)
            (self.indicator, self.value, self.deduction, self.score) = (indicator, value, deduction, score)
            (self.respondents, self.observedAt, self.note) = (respondents, observedAt, note)
        }

        init(_ r: FieldsyncModel.Record) {
            self.init(id: r.id, revision: r.revision, kind: r.kind, period: r.period, unit: r.unit,
                      indicator: r.indicator, value: r.value, deduction: r.deduction, score: r.score,
                      respondents: r.respondents, observedAt: r.observedAt.microseconds, note: r.note)
        }

        var cell: Cell? {
            guard kind == .report || kind == .spotcheck, let indicator else { return nil }
            return Cell(period: period, unit: unit, indicator: indicator, kind: kind)
        }

        var candidate: Candidate? {
            value.map { Candidate(id: id, revision: revision, observedAt: observedAt, value: $0) }
        }

        var survey: SurveyResult? {
            guard kind == .survey, let score, let exact = Exact(decimal: score) else { return nil }
            return SurveyResult(id: id, score: exact, respondents: respondents ?? 1)
        }
    }

    private(set) var cells: [Cell: CellChange] = [:]
    /// The cell offered to last and where it is in `cells`: a large file's records
    /// come cell after cell, and comparing a cell costs less than hashing it. Every
    /// other change of `cells` forgets it (an insertion moves what indices point at).
    private var recent: (cell: Cell, index: Dictionary<Cell, CellChange>.Index)?
    private(set) var publicTotals: [UnitKey: PublicTotal] = [:]
    /// nil: the finding left force.
    private(set) var findings: [FindingKey: FindingValue?] = [:]

    var isEmpty: Bool { cells.isEmpty && publicTotals.isEmpty && findings.isEmpty }

    /// Every unit the changes touch.
    var units: Set<UnitKey> {
        var units = Set(publicTotals.keys)
        for cell in cells.keys { units.insert(UnitKey(period: cell.period, unit: cell.unit)) }
        for finding in findings.keys { units.insert(UnitKey(period: finding.period, unit: finding.unit)) }
        return units
    }

    /// An upsert came into force: for a report or a spot-check — a large file's every
    /// record — straight from the record, without an ``Entry`` (a copy of each field).
    mutating func add(_ r: FieldsyncModel.Record) {
        guard r.kind == .report || r.kind == .spotcheck else { return add(Entry(r)) }
        guard let indicator = r.indicator, let value = r.value else { return }
        offer(Candidate(id: r.id, revision: r.revision, observedAt: r.observedAt.microseconds, value: value),
              to: Cell(period: r.period, unit: r.unit, indicator: indicator, kind: r.kind))
    }

    /// An upsert came into force.
    mutating func add(_ entry: Entry) {
        switch entry.kind {
        case .report, .spotcheck:
            guard let cell = entry.cell, let candidate = entry.candidate else { return }
            offer(candidate, to: cell)
        case .survey:
            guard let survey = entry.survey else { return }
            publicTotals[UnitKey(period: entry.period, unit: entry.unit), default: .none].add(survey)
        case .finding:
            guard let deduction = entry.deduction else { return }
            findings[FindingKey(period: entry.period, unit: entry.unit, id: entry.id)] = .some(FindingValue(deduction: deduction, note: entry.note))
        }
    }

    /// `candidate` becomes the cell's best if it beats the one it has (one lookup, the
    /// change modified in place).
    private mutating func offer(_ candidate: Candidate, to cell: Cell) {
        func update(_ change: inout CellChange) {
            if change.best.map({ candidate.beats($0) }) ?? true { change.best = candidate }
        }
        if let recent, recent.cell == cell {
            update(&cells.values[recent.index])
            return
        }
        update(&cells[cell, default: CellChange()])
        recent = cells.index(forKey: cell).map { (cell, $0) }
    }

    /// An upsert left force (a retraction, or a new revision that does not simply
    /// move it forward).
    mutating func remove(_ entry: Entry) {
        switch entry.kind {
        case .report, .spotcheck:
            guard let cell = entry.cell else { return }
            var change = cells[cell] ?? CellChange()
            change.removed.insert(entry.id)
            if change.best?.id == entry.id {
                change.best = nil
                change.lostBest = true
            }
            cells[cell] = change
            recent = nil
        case .survey:
            guard let survey = entry.survey else { return }
            publicTotals[UnitKey(period: entry.period, unit: entry.unit), default: .none].remove(survey)
        case .finding:
            findings[FindingKey(period: entry.period, unit: entry.unit, id: entry.id)] = .some(nil)
        }
    }

    /// A new revision of an upsert replaced `old` in force. When it is a value of the
    /// same cell that comes later (the usual correction: a new revision, observed no
    /// earlier), it beats everything `old` beat, so nothing need be found again.
    mutating func replace(_ old: Entry, with new: Entry) {
        if let oldCell = old.cell, oldCell == new.cell, let before = old.candidate, let after = new.candidate,
           after.beats(before) {
            add(new)
            return
        }
        remove(old)
        add(new)
    }
}
