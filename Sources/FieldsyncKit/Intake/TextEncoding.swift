import Glibc

/// The text encodings a drop file may be in (SPEC §4).
public enum TextEncoding: String, Sendable {
    case utf8
    /// UTF-8 with a byte-order mark, as Excel's "CSV UTF-8" writes.
    case utf8BOM = "utf8-bom"
    /// What Excel on Chinese Windows writes for plain "CSV" (a superset of GBK/GB2312).
    case gb18030
}

/// Checks UTF-8 incrementally, across chunk boundaries, so a file's encoding is known
/// after one streaming pass (the same pass that hashes and stages it).
struct UTF8Validator {
    private var needed = 0
    private var lower: UInt8 = 0x80
    private var upper: UInt8 = 0xBF
    private(set) var valid = true

    mutating func feed(_ bytes: UnsafeRawBufferPointer) {
        guard valid else { return }
        var i = 0
        let n = bytes.count
        while i < n {
            // ASCII runs, eight bytes at a time: most of a CSV.
            if needed == 0 {
                while i + 8 <= n, bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                    i += 8
                }
                guard i < n else { break }
            }
            let b = bytes[i]
            i += 1
            if needed == 0 {
                switch b {
                case 0x00...0x7F: continue
                case 0xC2...0xDF: needed = 1
                case 0xE0: needed = 2; lower = 0xA0
                case 0xE1...0xEC, 0xEE...0xEF: needed = 2
                case 0xED: needed = 2; upper = 0x9F
                case 0xF0: needed = 3; lower = 0x90
                case 0xF1...0xF3: needed = 3
                case 0xF4: needed = 3; upper = 0x8F
                default: valid = false; return
                }
            } else {
                guard b >= lower, b <= upper else { valid = false; return }
                lower = 0x80
                upper = 0xBF
                needed -= 1
            }
        }
    }

    /// True when the input ended on a complete character.
    mutating func finish() -> Bool {
        if needed != 0 { valid = false }
        return valid
    }
}

/// Converts GB18030 text to UTF-8 chunk by chunk with glibc's iconv, carrying a
/// character split across chunks over to the next one.
final class GB18030Decoder {
    private let cd: iconv_t
    private var carry: [UInt8] = []
    private var consumed: Int64 = 0

    struct InvalidByte: Error { var offset: Int64 }

    init?() {
        let cd = iconv_open("UTF-8", "GB18030")
        guard let cd, Int(bitPattern: cd) != -1 else { return nil }
        self.cd = cd
    }

    deinit { iconv_close(cd) }

    /// Decodes `input` (after any carried bytes) and passes the UTF-8 on.
    func decode(_ input: UnsafeRawBufferPointer, final: Bool, output: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        guard !carry.isEmpty else { return try convert(input, final: final, output: output) }
        var data = carry
        carry.removeAll(keepingCapacity: true)
        data.append(contentsOf: input)
        try data.withUnsafeBytes { try convert($0, final: final, output: output) }
    }

    /// One buffer for the UTF-8, reused chunk after chunk: iconv fills it as often as
    /// the input needs (E2BIG), each fill passed on before the next.
    private var out = [UInt8](repeating: 0, count: 1 << 16)

    private func convert(_ input: UnsafeRawBufferPointer, final: Bool, output: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        // iconv's input pointer is not const, but it only reads through it.
        var inPtr: UnsafeMutablePointer<CChar>? = input.baseAddress.map {
            UnsafeMutableRawPointer(mutating: $0).assumingMemoryBound(to: CChar.self)
        }
        var inLeft = input.count
        try out.withUnsafeMutableBufferPointer { outBuf in
            while inLeft > 0 {
                var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuf.baseAddress)?.assumingMemoryBound(to: CChar.self)
                var outLeft = outBuf.count
                let before = inLeft
                let r = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
                let produced = outBuf.count - outLeft
                consumed += Int64(before - inLeft)
                if produced > 0 {
                    try output(UnsafeBufferPointer(start: outBuf.baseAddress, count: produced))
                }
                if r == -1 {
                    switch errno {
                    case E2BIG: continue
                    case EINVAL:
                        // An incomplete character at the end of this chunk.
                        if final { throw InvalidByte(offset: consumed) }
                        if let p = inPtr {
                            carry = Array(UnsafeRawBufferPointer(start: p, count: inLeft))
                        }
                        return
                    default:
                        throw InvalidByte(offset: consumed)
                    }
                }
            }
        }
    }
}
