import FieldsyncProtocol

/// Rows of text cells in aligned columns for a terminal, padded by display width
/// (``DisplayWidth``): the scoreboard's table and a unit's.
struct TextGrid {
    private let widths: [Int]
    private let rightAligned: Set<Int>

    /// Columns as wide as the widest of `titles` and `rows`; `rightAligned` by index.
    init(titles: [String], rows: [[String]], rightAligned: Set<Int>) {
        var widths = titles.map { DisplayWidth.of($0) }
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], DisplayWidth.of(cell)) }
        }
        self.widths = widths
        self.rightAligned = rightAligned
    }

    func line(_ row: [String]) -> String {
        row.enumerated().map { i, cell in
            let pad = String(repeating: " ", count: widths[i] - DisplayWidth.of(cell))
            return rightAligned.contains(i) ? pad + cell : cell + pad
        }.joined(separator: "  ")
    }

    /// The rule under the header: a dash per column of each column.
    var rule: String { widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") }
}
