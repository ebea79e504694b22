import FieldsyncModel
import FieldsyncProtocol

/// A scores document rendered once, as compact UTF-8, in the two parts around where
/// `sequence` and `generated_at` go: delivery hashes the content and stages the
/// document from the same bytes, without building or writing the document twice (a
/// 100 × 50 scheme's is close to a megabyte).
///
/// The one place the document's layout is written (SPEC §6; the forms of its numbers
/// are ``ScoresDocument``'s comment); ``ScoresDocument/document(_:office:sequence:generatedAt:)``
/// reads these bytes back when a value is wanted.
public struct RenderedScores: Sendable {
    /// `{"schema":…,"office":…,"period":…,"scheme":{…},"rules":{…}` — the object left open.
    let head: [UInt8]
    /// `"overall":{…},"units":[…]}` — the rest of the object.
    let tail: [UInt8]

    init(head: [UInt8], tail: [UInt8]) {
        self.head = head
        self.tail = tail
    }

    /// The document without `sequence` and `generated_at`: the bytes whose sha256
    /// decides whether a new sequence is due.
    public var content: [UInt8] {
        var out = head
        out.reserveCapacity(head.count + 1 + tail.count)
        out.append(UInt8(ascii: ","))
        out.append(contentsOf: tail)
        return out
    }

    /// The content's bytes in the pieces they are kept in, in order: for hashing them
    /// without making the content whole first.
    public func forEachContentPiece(_ body: ([UInt8]) -> Void) {
        body(head)
        body([UInt8(ascii: ",")])
        body(tail)
    }

    /// The document as pushed. `trend` is the `trend` array's bytes (``trend(_:)``):
    /// like `sequence` and `generated_at`, not part of the content — the totals of
    /// earlier sequences must not make a new one due.
    public func document(sequence: Int, generatedAt: Timestamp, trend: [UInt8] = Array("[]".utf8)) -> [UInt8] {
        let stamp = ",\"sequence\":\(sequence),\"generated_at\":" + JSONValue.string(generatedAt.iso8601).rendered() + ",\"trend\":"
        var out = head
        out.reserveCapacity(head.count + stamp.utf8.count + trend.count + 1 + tail.count)
        out.append(contentsOf: stamp.utf8)
        out.append(contentsOf: trend)
        out.append(UInt8(ascii: ","))
        out.append(contentsOf: tail)
        return out
    }

    /// One point of a trend: a scored sequence's overall and unit totals,
    /// `{"sequence":3,"generated_at":…,"overall":71.78,"units":{"city":87.52,…}}`.
    public static func trendPoint(_ board: Scoreboard, sequence: Int, generatedAt: Timestamp) -> [UInt8] {
        var w = JSONWriter(capacity: 64 + board.units.count * 24)
        w.beginObject()
        w.key("sequence"); w.number(sequence)
        w.key("generated_at"); w.string(generatedAt.iso8601)
        w.key("overall"); w.number { board.overall.total.appendPlain(maxPlaces: 2, to: &$0) }
        w.key("units")
        w.beginObject()
        for unit in board.units {
            w.key(unit.unit?.code ?? ""); w.number { unit.total.appendPlain(maxPlaces: 2, to: &$0) }
        }
        w.endObject()
        w.endObject()
        return w.take()
    }

    /// Which of `count` points (oldest first) a trend keeps: all, or the first, the last
    /// and evenly spaced between, ``Limits/trendPoints`` in all.
    public static func trendIndices(count: Int) -> [Int] {
        let n = Limits.trendPoints
        guard count > n else { return Array(0 ..< count) }
        return (0 ..< n).map { $0 * (count - 1) / (n - 1) }
    }

    /// The `trend` array of points (oldest first), thinned to ``Limits/trendPoints``:
    /// the first, the last, and evenly spaced between.
    public static func trend(_ points: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "[")]
        for (i, point) in trendIndices(count: points.count).map({ points[$0] }).enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: point)
        }
        out.append(UInt8(ascii: "]"))
        return out
    }
}

extension RenderedScores {
    /// Writes the document member by member (``JSONWriter``): no tree of values is
    /// built first.
    init(_ board: Scoreboard, office: String) {
        self.init(head: Self.head(board, office: office), overall: Self.piece(board.overall),
                  units: board.units.map(Self.piece))
    }

    /// The document from its pieces: the head, and each score's object as ``piece(_:)``
    /// wrote it — what the courier keeps, to write again only the units that changed.
    /// The same bytes as writing the scoreboard whole, by construction: that is how it
    /// is written.
    public init(head: [UInt8], overall: [UInt8], units: [[UInt8]]) {
        var tail: [UInt8] = []
        tail.reserveCapacity(overall.count + units.reduce(32) { $0 + $1.count + 1 })
        tail.append(contentsOf: #""overall":"#.utf8)
        tail.append(contentsOf: overall)
        tail.append(contentsOf: #","units":["#.utf8)
        for (n, unit) in units.enumerated() {
            if n > 0 { tail.append(UInt8(ascii: ",")) }
            tail.append(contentsOf: unit)
        }
        tail.append(contentsOf: "]}".utf8)
        self.init(head: head, tail: tail)
    }

    /// `{"schema":…,"office":…,"period":…,"scheme":{…}`, the object left open.
    public static func head(_ board: Scoreboard, office: String) -> [UInt8] {
        var w = JSONWriter(capacity: 1024)
        w.beginObject()
        w.key("schema"); w.string(ScoresDocument.schema)
        w.key("office"); w.string(office)
        w.key("period"); w.string(board.period)
        w.key("scheme")
        w.beginObject()
        w.key("name"); w.string(board.schemeName)
        w.key("sha256"); w.string(board.schemeSHA256)
        w.endObject()
        w.key("rules")
        w.beginObject()
        w.key("weights")
        w.beginObject()
        w.key("indicators"); w.number { board.weights.indicators.appendPlain(maxPlaces: 6, to: &$0) }
        w.key("public"); w.number { board.weights.public.appendPlain(maxPlaces: 6, to: &$0) }
        w.endObject()
        w.key("grades")
        w.beginObject()
        w.key("excellent"); w.number { board.grades.excellent.appendPlain(maxPlaces: 6, to: &$0) }
        w.key("good"); w.number { board.grades.good.appendPlain(maxPlaces: 6, to: &$0) }
        w.key("average"); w.number { board.grades.average.appendPlain(maxPlaces: 6, to: &$0) }
        w.endObject()
        w.key("tolerance"); w.number { board.verification.tolerance.appendPlain(maxPlaces: 6, to: &$0) }
        w.key("discrepancy_deduction"); w.number { board.verification.discrepancyDeduction.appendPlain(maxPlaces: 6, to: &$0) }
        w.key("timezone"); w.string(board.timeZone)
        w.endObject()
        return w.take()
    }

    /// One unit's (or the overall's) object in the document.
    public static func piece(_ score: UnitScore) -> [UInt8] {
        var w = JSONWriter(capacity: (score.indicators.count + 4) * 170)
        write(score, to: &w)
        return w.take()
    }

    private static func write(_ score: UnitScore, to w: inout JSONWriter) {
        w.beginObject()
        if let unit = score.unit {
            w.key("unit"); w.string(unit.code)
            w.key("name"); w.string(unit.name)
        }
        w.key("indicator_score"); w.number { score.indicatorScore.appendPlain(maxPlaces: 2, to: &$0) }
        w.key("public_score"); w.number { score.publicScore.appendPlain(maxPlaces: 2, to: &$0) }
        w.key("deductions"); w.number { score.deductions.appendPlain(maxPlaces: 2, to: &$0) }
        w.key("total"); w.number { score.total.appendPlain(maxPlaces: 2, to: &$0) }
        w.key("grade"); w.string(score.grade.rawValue)
        w.key("grade_zh"); w.string(score.grade.chinese)
        w.key("complete"); w.bool(score.complete)
        w.key("indicators")
        w.beginArray()
        // By index: each row is read where it lies (a row is hundreds of bytes; copies
        // of five thousand of them were a tenth of a document's time).
        for k in score.indicators.indices {
            w.element()
            write(score.indicators[k], overall: score.isOverall, to: &w)
        }
        w.endArray()
        w.key("public")
        w.beginObject()
        w.key("respondents"); w.number(score.respondents)
        w.key("score"); w.number { score.publicScore.appendPlain(maxPlaces: 2, to: &$0) }
        w.endObject()
        w.key("findings")
        w.beginArray()
        for finding in score.findings {
            w.element()
            w.beginObject()
            w.key("id"); w.string(finding.id)
            w.key("deduction"); w.number { finding.deduction.appendPlain(maxPlaces: 6, to: &$0) }
            w.key("note")
            if let note = finding.note { w.string(note) } else { w.null() }
            w.endObject()
        }
        w.endArray()
        w.endObject()
    }

    private static func write(_ row: IndicatorScore, overall: Bool, to w: inout JSONWriter) {
        w.beginObject()
        w.key("code"); w.string(row.indicator.code)
        w.key("name"); w.string(row.indicator.name)
        w.key("aspect"); w.string(row.indicator.aspect.rawValue)
        w.key("points"); w.number { row.indicator.points.appendPlain(maxPlaces: 6, to: &$0) }
        w.key("target")
        if let target = row.target { w.number { target.appendPlain(maxPlaces: 6, to: &$0) } } else { w.null() }
        w.key("value")
        if let value = row.value { w.number { value.appendPlain(maxPlaces: overall ? 4 : 6, to: &$0) } } else { w.null() }
        w.key("source"); w.string(overall ? "overall" : row.source.rawValue)
        w.key("reported")
        if let reported = row.reported { w.number { reported.appendPlain(maxPlaces: 6, to: &$0) } } else { w.null() }
        w.key("verified")
        if let verified = row.verified { w.number { verified.appendPlain(maxPlaces: 6, to: &$0) } } else { w.null() }
        w.key("score"); w.number { row.score.appendPlain(maxPlaces: 4, to: &$0) }
        w.key("met"); w.bool(row.met)
        w.key("discrepancy"); w.bool(row.discrepancy)
        w.endObject()
    }
}
