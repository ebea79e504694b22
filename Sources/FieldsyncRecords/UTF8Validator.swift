import Glibc

/// Checks UTF-8 incrementally, across chunk boundaries, so a file's encoding is known
/// after one streaming pass (the same pass that hashes and stages it).
public struct UTF8Validator {
    public init() {}

    private var needed = 0
    private var lower: UInt8 = 0x80
    private var upper: UInt8 = 0xBF
    private(set) var valid = true

    public mutating func feed(_ bytes: UnsafeRawBufferPointer) {
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
    public mutating func finish() -> Bool {
        if needed != 0 { valid = false }
        return valid
    }
}
