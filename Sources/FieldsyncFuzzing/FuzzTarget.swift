import FieldsyncConfig
import FieldsyncModel
import FieldsyncProtocol
import FieldsyncRecords

/// The parsers of fieldsync as fuzzing targets: each takes any bytes, must neither
/// crash nor hang, and checks what must hold of what it accepts (what is parsed and
/// written back reads the same). libFuzzer drives them from `Fuzz/` (`make fuzz`); the
/// tests drive them with the fixtures and a few thousand mutations of them.
public enum FuzzTarget: String, CaseIterable, Sendable {
    case csv, json, records, gb18030, timestamp, decimal, config, scheme, sheet

    /// Runs the target on `bytes`. A broken invariant is a `preconditionFailure`:
    /// libFuzzer reports it as a crash with the input that caused it.
    public func run(_ bytes: [UInt8]) {
        switch self {
        case .csv: FuzzTarget.csv(bytes)
        case .json: FuzzTarget.json(bytes)
        case .records: FuzzTarget.records(bytes)
        case .gb18030: FuzzTarget.gb18030(bytes)
        case .timestamp: FuzzTarget.timestamp(bytes)
        case .decimal: FuzzTarget.decimal(bytes)
        case .config: FuzzTarget.config(bytes)
        case .scheme: FuzzTarget.scheme(bytes)
        case .sheet: FuzzTarget.sheet(bytes)
        }
    }

    /// A workbook's sheet part, scanned by the hand-written XML scanner: read whole and
    /// byte by byte, the same rows or the same refusal.
    static func sheet(_ bytes: [UInt8]) {
        func read(chunk: Int) -> [String]? {
            var chunks: [[UInt8]] = []
            var i = 0
            while i < bytes.count {
                chunks.append(Array(bytes[i ..< min(bytes.count, i + chunk)]))
                i += chunk
            }
            return try? WorkbookReader.sheetRows(chunks)
        }
        let whole = read(chunk: max(1, bytes.count)), bytewise = read(chunk: 1)
        precondition(whole == bytewise, "a sheet's rows depend on how its bytes were chunked")
    }

    /// CSV in two chunkings gives the same rows (a row split across chunks is one row).
    static func csv(_ bytes: [UInt8]) {
        func rows(chunk: Int) -> [[String]]? {
            var parser = CSVParser()
            var out: [[String]] = []
            do {
                var i = 0
                while i < bytes.count {
                    let piece = Array(bytes[i ..< min(bytes.count, i + chunk)])
                    piece.withUnsafeBufferPointer { parser.feed($0) { out.append($0.fields) } }
                    i += chunk
                }
                try parser.finish { out.append($0.fields) }
            } catch {
                return nil
            }
            return out
        }
        let whole = rows(chunk: max(1, bytes.count)), bytewise = rows(chunk: 1)
        precondition(whole == bytewise, "CSV rows depend on how the bytes were chunked")
    }

    /// What JSON accepts, rendered and read again, is the same value.
    static func json(_ bytes: [UInt8]) {
        guard let value = try? JSONParser.parse(bytes) else { return }
        let again = try? JSONParser.parse(Array(value.rendered().utf8))
        precondition(again == value, "JSON does not read back what it wrote")
        var parser = JSONParser(bytes)
        _ = try? parser.parseRecords()
    }

    /// Records from any bytes, in every format, validated against a small scheme.
    static func records(_ bytes: [UInt8]) {
        let source = Source(name: "fuzz", path: "/", role: .inspector)
        for format in [RecordFormat.csv, .json, .jsonl, .xlsx] {
            for encoding in [TextEncoding.utf8, .gb18030] {
                var validator = RecordValidator(source: source, schemes: [FuzzTarget.fixtureScheme.period: FuzzTarget.fixtureScheme],
                                                receivedAt: Timestamp(microseconds: 1_764_475_200_000_000))
                var problems: [Problem] = []
                try? RecordReader.read(MemoryBytes(bytes), format: format, encoding: encoding,
                                       record: { _ = validator.validate($0, problems: &problems) }, problem: { problems.append($0) })
            }
        }
    }

    /// GB18030 decoding, in one piece and byte by byte: the same text or the same refusal.
    static func gb18030(_ bytes: [UInt8]) {
        func decode(chunk: Int) -> [UInt8]? {
            guard let decoder = GB18030Decoder() else { return nil }
            var out: [UInt8] = []
            do {
                var i = 0
                repeat {
                    let piece = Array(bytes[i ..< min(bytes.count, i + chunk)])
                    let final = i + chunk >= bytes.count
                    try piece.withUnsafeBytes { try decoder.decode($0, final: final) { out.append(contentsOf: $0) } }
                    i += chunk
                } while i < bytes.count
            } catch {
                return nil
            }
            precondition(String(validating: out, as: UTF8.self) != nil, "GB18030 decoded to invalid UTF-8")
            return out
        }
        precondition(decode(chunk: max(1, bytes.count)) == decode(chunk: 1), "GB18030 depends on chunking")
    }

    /// A timestamp that parses writes back as text that parses to the same instant.
    static func timestamp(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        _ = Timestamp.isRFC3339(text)
        guard let t = Timestamp.parse(text, zone: FuzzTarget.fixtureScheme.timeZone) else { return }
        precondition(Timestamp.parse(t.iso8601, zone: .gmt) == t, "\(text) → \(t.iso8601) does not read back")
        _ = t.local(FuzzTarget.fixtureScheme.timeZone)
    }

    /// A decimal's canonical text is canonical: it reads back to itself.
    static func decimal(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        _ = DecimalText.looksNumeric(text)
        guard let d = DecimalText(text) else { return }
        precondition(DecimalText(d.canonical)?.canonical == d.canonical, "\(text): canonical text is not canonical")
        precondition(DecimalText.canonicalize(d.canonical)?.text == d.canonical, "\(text): canonicalize disagrees")
        _ = Limits.fits(d)
        if Limits.fits(d) { _ = Exact(decimal: d.canonical) }
    }

    static func config(_ bytes: [UInt8]) {
        _ = try? Config.parse(file: "/fuzz/fieldsync.toml", text: String(decoding: bytes, as: UTF8.self))
    }

    static func scheme(_ bytes: [UInt8]) {
        _ = try? Scheme.parse(file: "/fuzz/scheme.toml", text: String(decoding: bytes, as: UTF8.self),
                              sha256: String(repeating: "0", count: 64))
    }

    /// A small scheme of the Ningde plan's shape, for validating fuzzed records.
    static let fixtureScheme: Scheme = {
        let text = """
            period = "2026"
            name = "fuzz"
            timezone = "Asia/Shanghai"
            [weights]
            indicators = 0.70
            public = 0.30
            [[unit]]
            code = "shouning"
            name = "寿宁县"
            [[unit]]
            code = "fuan"
            name = "福安市"
            [[indicator]]
            code = "siren.fixed"
            name = "警报器"
            aspect = "business"
            points = 60
            rule = "ratio"
            target = 1
            overall = { aggregate = "share_met", target = 1 }
            [[indicator]]
            code = "duty.24h"
            name = "值班"
            aspect = "capacity"
            points = 40
            rule = "boolean"
            overall = { aggregate = "min", target = 1 }
            """
        return try! Scheme.parse(file: "fuzz.toml", text: text, sha256: String(repeating: "0", count: 64))
    }()
}

/// Bytes in memory as a record reader's source.
struct MemoryBytes: ByteSource {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws -> Int {
        let start = min(Int(offset), bytes.count)
        let n = min(buffer.count, bytes.count - start)
        bytes.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[start ..< start + n])) }
        return n
    }
}
