import Foundation

/// Where each target's fuzzing starts: the files of `fixtures/` a target reads, and
/// for the small grammars, strings that cover them.
public enum FuzzCorpus {
    /// The seeds of `target`, from the fixtures under `fixtures` (the repository's
    /// `fixtures/` directory).
    public static func seeds(for target: FuzzTarget, fixtures: String) -> [[UInt8]] {
        func files(_ suffixes: [String]) -> [[UInt8]] {
            let enumerator = FileManager.default.enumerator(atPath: fixtures)
            var out: [[UInt8]] = []
            while let path = enumerator?.nextObject() as? String {
                guard suffixes.contains(where: path.hasSuffix),
                      let data = FileManager.default.contents(atPath: fixtures + "/" + path) else { continue }
                out.append(Array(data))
            }
            return out.sorted { $0.lexicographicallyPrecedes($1) }
        }
        switch target {
        case .csv: return files([".csv"])
        case .json: return files([".json", ".jsonl", ".ndjson"])
        case .records, .gb18030: return files([".csv", ".json", ".jsonl", ".ndjson"])
        case .config: return files(["fieldsync.toml"])
        case .scheme: return files(["scheme-2026.toml"])
        case .sheet:
            return [
                #"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>编号</t></is></c><c r="B1" t="inlineStr"><is><t>数值</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>a&amp;b</t></is></c><c r="B2"><v>79.99</v></c><c r="C2" t="b"><v>1</v></c><c r="D2" t="e"><v>#DIV/0!</v></c></row></sheetData><mergeCells><mergeCell ref="A3:B3"/></mergeCells></worksheet>"#,
                #"<?xml version="1.0"?><x:worksheet xmlns:x="main"><x:sheetData><x:row><x:c><x:v>1E-3</x:v></x:c><x:c t="str"><x:f>A1</x:f><x:v>&#x5BFF;&#23425;</x:v></x:c></x:row><!-- note --><x:row r="9"/></x:sheetData></x:worksheet>"#,
                #"<worksheet><sheetData><row r="2"><c r="B2" t="inlineStr"><is><r><t>富</t></r><rPh><t>ふ</t></rPh><r><t><![CDATA[<文本>]]></t></r></is></c></row></sheetData></worksheet>"#,
            ].map { Array($0.utf8) }
        case .timestamp:
            return ["2026-11-20", "2026-11-20T09:30:00+08:00", "2026-11-20 09:30:00+0800", "2026-11-20T01:30:00.250Z",
                    "2024-02-29T23:59:60Z", "0001-01-01T00:00:00-23:59", "9999-12-31"].map { Array($0.utf8) }
        case .decimal:
            return ["79.99", "-3", "+0.5", ".5", "1e3", "2.5E-2", "000120", "0.000001", "999999999999.999999", "1e40"]
                .map { Array($0.utf8) }
        }
    }
}

/// Deterministic mutations of seeds, for a short fuzzing run without libFuzzer (the
/// tests' smoke): bit flips, bytes inserted, deleted and repeated, cuts, and splices.
public struct Mutator {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// SplitMix64.
    private mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : Int(next() % UInt64(n)) }

    /// One mutation of `input`, possibly spliced with `other`.
    public mutating func mutate(_ input: [UInt8], other: [UInt8]) -> [UInt8] {
        var bytes = input
        let interesting: [UInt8] = [0x00, 0x0A, 0x0D, 0x22, 0x2C, 0x5C, 0x7B, 0x7D, 0x5B, 0x5D, 0x80, 0xFF, 0xE5, 0xA1, 0x30, 0x39, 0x65, 0x2D]
        for _ in 0 ... below(4) {
            switch below(7) {
            case 0 where !bytes.isEmpty: bytes[below(bytes.count)] ^= UInt8(1 << below(8))
            case 1: bytes.insert(interesting[below(interesting.count)], at: below(bytes.count + 1))
            case 2 where !bytes.isEmpty: bytes.remove(at: below(bytes.count))
            case 3 where !bytes.isEmpty: bytes.removeLast(below(bytes.count))
            case 4 where !bytes.isEmpty:
                let start = below(bytes.count), length = min(below(64), bytes.count - start)
                bytes.insert(contentsOf: bytes[start ..< start + length], at: below(bytes.count + 1))
            case 5 where !other.isEmpty:
                bytes = Array(bytes.prefix(below(bytes.count + 1))) + Array(other.suffix(below(other.count + 1)))
            default:
                bytes.insert(UInt8(truncatingIfNeeded: next()), at: below(bytes.count + 1))
            }
        }
        return bytes
    }
}
