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
/// The content is the same document without `sequence` and `generated_at`; delivery
/// hashes its compact rendering to decide whether a new sequence is due. The
/// rendering depends on nothing but the scoreboard and the office id (no dictionaries,
/// no clock, no locale), so the same scoreboard always renders byte-identically.
public enum ScoresDocument {
    /// The document's `schema`.
    public static let schema = ScoresDocumentCheck.schema

    /// The document rendered once (compact bytes): what is hashed, staged and pushed.
    /// Its layout is written in one place, ``RenderedScores``.
    public static func rendered(_ board: Scoreboard, office: String) -> RenderedScores {
        RenderedScores(board, office: office)
    }

    /// The full document as a value (to print it indented): the pushed bytes, read back.
    public static func document(_ board: Scoreboard, office: String, sequence: Int,
                                generatedAt: Timestamp) -> JSONValue {
        value(of: rendered(board, office: office).document(sequence: sequence, generatedAt: generatedAt))
    }

    /// The document without `sequence` and `generated_at`: the content whose change
    /// makes a new sequence due.
    public static func content(_ board: Scoreboard, office: String) -> JSONValue {
        value(of: rendered(board, office: office).content)
    }

    /// The compact UTF-8 text of `content(_:office:)`, the bytes delivery hashes.
    public static func contentText(_ board: Scoreboard, office: String) -> String {
        String(decoding: rendered(board, office: office).content, as: UTF8.self)
    }

    /// Bytes this type wrote, as a value. They are JSON by construction (``JSONWriter``):
    /// a failure to read them back is a bug here, not bad input.
    private static func value(of bytes: [UInt8]) -> JSONValue {
        do {
            return try JSONParser.parse(bytes)
        } catch {
            preconditionFailure("a scores document fieldsync wrote does not read back: \(error)")
        }
    }
}
