/// Lower-case hexadecimal, as fingerprints (SHA-256 of files, schemes and documents) are
/// written everywhere in fieldsync.
public enum Hex {
    /// `bytes` as two lower-case hex digits each.
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
