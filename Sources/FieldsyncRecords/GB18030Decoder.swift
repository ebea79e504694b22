import Glibc

/// Converts GB18030 text to UTF-8 chunk by chunk with glibc's iconv, carrying a
/// character split across chunks over to the next one.
public final class GB18030Decoder {
    private let cd: iconv_t
    private var carry: [UInt8] = []
    private var consumed: Int64 = 0

    struct InvalidByte: Error { var offset: Int64 }

    public init?() {
        let cd = iconv_open("UTF-8", "GB18030")
        guard let cd, Int(bitPattern: cd) != -1 else { return nil }
        self.cd = cd
    }

    deinit { iconv_close(cd) }

    /// Decodes `input` (after any carried bytes) and passes the UTF-8 on.
    public func decode(_ input: UnsafeRawBufferPointer, final: Bool, output: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
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
