import FieldsyncProtocol
import Foundation

/// The numbers of a report as people read them, from the document's exact decimal
/// text: components shown with two decimals (90 → 90.00, by padding the text, never by
/// arithmetic), and positions for drawing. Only drawing goes through `Double`: a bar's
/// length, not a score.
enum ReportNumber {
    /// `text` with at least two decimals: `90` → `90.00`, `87.5` → `87.50`, `0.6667` as is.
    static func two(_ written: String) -> String {
        // A number a document wrote with an exponent (1e2) is shown as plain decimals.
        let text = DecimalText.canonicalize(written)?.text ?? written
        guard let dot = text.firstIndex(of: ".") else { return text + ".00" }
        let decimals = text.distance(from: dot, to: text.endIndex) - 1
        return decimals >= 2 ? text : text + String(repeating: "0", count: 2 - decimals)
    }

    /// A drawing coordinate from a number's text; 0 for what is not a number.
    static func position(_ text: String?) -> Double {
        text.flatMap { ScoresDocumentCheck.decimal($0) }.map { NSDecimalNumber(decimal: $0).doubleValue } ?? 0
    }

    /// `points − score`, the points an indicator lost, exact (as decimal text).
    static func lost(points: String?, score: String) -> String {
        guard let p = points.flatMap(ScoresDocumentCheck.decimal), let s = ScoresDocumentCheck.decimal(score) else { return "0" }
        var difference = p - s
        var rounded = Decimal()
        NSDecimalRound(&rounded, &difference, 2, .plain)
        return rounded.description
    }

    /// The share `score ÷ points` in 0…1, for a heat map's colour.
    static func share(score: String, points: String?) -> Double {
        let p = position(points)
        return p > 0 ? max(0, min(1, position(score) / p)) : 0
    }
}
