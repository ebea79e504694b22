import FieldsyncModel
import FieldsyncProtocol

/// The scores document of SPEC §6: what `fieldsync scores --format json` prints and
/// what a push sends.
///
/// Keys come in exactly the SPEC's order and numbers are written from exact values,
/// never through `Double`:
///
/// - the components (`indicator_score`, `public_score`, `deductions`, `total`, the
///   public `score`) with at most 2 decimals — they are already rounded;
/// - an indicator's `score` (exact, possibly a repeating fraction) and every overall
///   `value` (a mean or a share) with at most 4 decimals, rounded half-up;
/// - record values, targets, points and finding deductions exactly as the decimals
///   they were written as (at most 6 decimals, which intake never exceeds in practice);
/// - trailing zeros dropped: a total of 90 is `90`, 79.99 is `79.99`.
///
/// `null` stands where there is no value or no target. In the overall's indicators the
/// `source` is `"overall"`: the value is an aggregate, not one record's.
///
/// `content(_:office:)` is the same document without `sequence` and `generated_at`;
/// delivery hashes its compact rendering to decide whether a new sequence is due. The
/// rendering depends on nothing but the scoreboard and the office id (no dictionaries,
/// no clock, no locale), so the same scoreboard always renders byte-identically.
public enum ScoresDocument {
    /// The document's `schema`.
    public static let schema = ScoresDocumentCheck.schema

    /// The full document, as printed and pushed.
    public static func document(_ board: Scoreboard, office: String, sequence: Int,
                                generatedAt: Timestamp) -> JSONValue {
        build(board, office: office, stamp: (sequence, generatedAt))
    }

    /// The document without `sequence` and `generated_at`: the content whose change
    /// makes a new sequence due.
    public static func content(_ board: Scoreboard, office: String) -> JSONValue {
        build(board, office: office, stamp: nil)
    }

    /// The compact UTF-8 text of `content(_:office:)`, the bytes delivery hashes.
    public static func contentText(_ board: Scoreboard, office: String) -> String {
        content(board, office: office).rendered(pretty: false)
    }

    /// The document rendered once, for hashing its content and staging it.
    public static func rendered(_ board: Scoreboard, office: String) -> RenderedScores {
        RenderedScores(board, office: office)
    }

    private static func headMembers(_ board: Scoreboard, office: String) -> [(String, JSONValue)] {
        [
            ("schema", .string(schema)),
            ("office", .string(office)),
            ("period", .string(board.period)),
            ("scheme", .object([
                ("name", .string(board.schemeName)),
                ("sha256", .string(board.schemeSHA256)),
            ])),
        ]
    }

    private static func tailMembers(_ board: Scoreboard) -> [(String, JSONValue)] {
        [("overall", unitScore(board.overall)), ("units", .array(board.units.map(unitScore)))]
    }

    private static func build(_ board: Scoreboard, office: String,
                              stamp: (sequence: Int, generatedAt: Timestamp)?) -> JSONValue {
        var members = headMembers(board, office: office)
        if let stamp {
            members.append(("sequence", .number(stamp.sequence)))
            members.append(("generated_at", .string(stamp.generatedAt.iso8601)))
        }
        members += tailMembers(board)
        return .object(members)
    }

    /// One unit's object; for the overall (no unit) without `unit` and `name`.
    public static func unitScore(_ score: UnitScore) -> JSONValue {
        var members: [(String, JSONValue)] = []
        if let unit = score.unit {
            members.append(("unit", .string(unit.code)))
            members.append(("name", .string(unit.name)))
        }
        members += [
            ("indicator_score", component(score.indicatorScore)),
            ("public_score", component(score.publicScore)),
            ("deductions", component(score.deductions)),
            ("total", component(score.total)),
            ("grade", .string(score.grade.rawValue)),
            ("grade_zh", .string(score.grade.chinese)),
            ("complete", .bool(score.complete)),
            ("indicators", .array(score.indicators.map { indicator($0, overall: score.isOverall) })),
            ("public", .object([
                ("respondents", .number(score.respondents)),
                ("score", component(score.publicScore)),
            ])),
            ("findings", .array(score.findings.map(finding))),
        ]
        return .object(members)
    }

    private static func indicator(_ row: IndicatorScore, overall: Bool) -> JSONValue {
        let i = row.indicator
        return .object([
            ("code", .string(i.code)),
            ("name", .string(i.name)),
            ("aspect", .string(i.aspect.rawValue)),
            ("points", recorded(i.points)),
            ("target", row.target.map(recorded) ?? .null),
            ("value", row.value.map(overall ? computed : recorded) ?? .null),
            ("source", .string(overall ? "overall" : row.source.rawValue)),
            ("score", computed(row.score)),
            ("met", .bool(row.met)),
            ("discrepancy", .bool(row.discrepancy)),
        ])
    }

    private static func finding(_ f: Finding) -> JSONValue {
        .object([
            ("id", .string(f.id)),
            ("deduction", recorded(f.deduction)),
            ("note", f.note.map(JSONValue.string) ?? .null),
        ])
    }

    /// A published component, already rounded to 2 decimals.
    private static func component(_ x: Exact) -> JSONValue { .number(x, maxPlaces: 2) }
    /// A computed, possibly non-terminating value: at most 4 decimals.
    private static func computed(_ x: Exact) -> JSONValue { .number(x, maxPlaces: 4) }
    /// A value as written in a record or the scheme.
    private static func recorded(_ x: Exact) -> JSONValue { .number(x, maxPlaces: 6) }
}
