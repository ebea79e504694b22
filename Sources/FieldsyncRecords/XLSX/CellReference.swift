/// A cell's place in a sheet, `C5`: column letters and a 1-based row, as errors name it
/// (`第5行 C列 / cell C5`).
public struct CellReference: Sendable, Hashable, CustomStringConvertible {
    /// 1-based row.
    public var row: Int
    /// 0-based column (A = 0).
    public var column: Int

    /// Excel's last row.
    public static let maxRow = 1_048_576

    public init(row: Int, column: Int) {
        self.row = row
        self.column = column
    }

    /// Reads `C5`, `AB12`; nil for anything else (or beyond Excel's XFD1048576).
    public init?(_ text: some StringProtocol) {
        var column = 0, row = 0, letters = 0, digits = 0
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z") where digits == 0:
                column = column * 26 + Int(byte - UInt8(ascii: "A")) + 1
                letters += 1
            case UInt8(ascii: "0")...UInt8(ascii: "9") where letters > 0:
                row = row * 10 + Int(byte - UInt8(ascii: "0"))
                digits += 1
            default:
                return nil
            }
            if letters > 3 || digits > 7 { return nil }
        }
        guard letters > 0, digits > 0, (1...16_384).contains(column), (1...Self.maxRow).contains(row) else { return nil }
        self.init(row: row, column: column - 1)
    }

    /// `A`, `Z`, `AA`, …
    public var columnLetters: String {
        var n = column + 1
        var letters: [UInt8] = []
        while n > 0 {
            n -= 1
            letters.append(UInt8(ascii: "A") + UInt8(n % 26))
            n /= 26
        }
        return String(decoding: letters.reversed(), as: UTF8.self)
    }

    public var description: String { "\(columnLetters)\(row)" }
}
