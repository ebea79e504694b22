/// How many columns text takes where people read it — a terminal, a spreadsheet's
/// column: 2 for East Asian Wide and Fullwidth characters (CJK ideographs, kana, Hangul,
/// fullwidth forms), 0 for combining marks and invisible format characters, 1 for
/// everything else. Unit names like 寿宁县 are twice as wide as their character count.
public enum DisplayWidth {
    public static func of<S: StringProtocol>(_ text: S) -> Int {
        text.unicodeScalars.reduce(0) { $0 + scalar($1) }
    }

    static func scalar(_ s: Unicode.Scalar) -> Int {
        switch s.value {
        case 0x1100...0x115F, 0x2E80...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF,
             0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x3FFFD:
            return 2
        default:
            switch s.properties.generalCategory {
            case .nonspacingMark, .enclosingMark, .format: return 0
            default: return 1
            }
        }
    }
}
