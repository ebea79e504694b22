import Crypto
import FieldsyncSystem

/// What intake makes of a dropped file's name: whether it is read at all, the text it
/// is known by, and the names derived from it (archive, receipt, errors file), which
/// must each fit in one directory entry however long the dropped name is.
enum DropName {
    /// The two entries the daemon keeps in every drop directory.
    static let receipts = FileName("receipts")!
    static let rejected = FileName("rejected")!

    /// Names writers use while a file is still being written (write-then-rename), and
    /// Excel's lock files (`~$`): never read.
    static func isTemporary(_ name: FileName) -> Bool {
        let b = name.bytes
        func ends(_ suffix: String) -> Bool { b.count >= suffix.utf8.count && b.suffix(suffix.utf8.count).elementsEqual(suffix.utf8) }
        return b.first == UInt8(ascii: ".") || b.starts(with: "~$".utf8)
            || ends(".tmp") || ends(".part") || ends(".swp")
    }

    /// The name as text, when it is fit to be one: valid UTF-8 without control
    /// characters. Any other name is set aside under ``escaped(_:)``: it could not be
    /// shown in a receipt, a log line or `status` as it is.
    static func text(_ name: FileName) -> String? {
        guard let text = name.string, !text.unicodeScalars.contains(where: isControl) else { return nil }
        return text
    }

    /// The name with every byte that is not part of valid UTF-8, every control
    /// character and `%` itself written as `%XX`: readable, reversible, and one entry's
    /// name again (possibly too long for one: see ``derived(_:prefix:suffix:)``).
    static func escaped(_ name: FileName) -> String {
        var out = ""
        let bytes = name.bytes
        var i = 0
        while i < bytes.count {
            if let (scalar, length) = scalar(in: bytes, at: i), !isControl(scalar), scalar != "%" {
                out.unicodeScalars.append(scalar)
                i += length
            } else {
                let length = scalar(in: bytes, at: i)?.1 ?? 1
                for byte in bytes[i ..< i + length] { out += "%" + hex(byte) }
                i += length
            }
        }
        return out
    }

    /// `prefix + base + suffix` as one entry's name. When that is longer than a file
    /// system takes, `base` is cut at a character boundary and `~` and twelve hex
    /// digits of its SHA-256 go in place of the rest, so that two long names that start
    /// alike still get different derived names.
    static func derived(_ base: String, prefix: String = "", suffix: String = "") -> FileName {
        let whole = prefix + base + suffix
        if whole.utf8.count <= FileName.maximumLength, let name = FileName(whole) { return name }
        let tag = "~" + SHA256.hash(data: Array(base.utf8)).prefix(6).map(hex).joined()
        let budget = FileName.maximumLength - prefix.utf8.count - suffix.utf8.count - tag.utf8.count
        var cut = ""
        for character in base {
            guard cut.utf8.count + character.utf8.count <= budget else { break }
            cut.append(character)
        }
        // Only "/" or NUL could make this fail, and neither is in a name, a prefix or a suffix.
        return FileName(prefix + cut + tag + suffix)!
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .control
    }

    /// The scalar whose UTF-8 starts at `i`, and its length; nil when none does.
    private static func scalar(in bytes: [UInt8], at i: Int) -> (Unicode.Scalar, Int)? {
        for length in 1 ... 4 where i + length <= bytes.count {
            if let s = String(validating: bytes[i ..< i + length], as: UTF8.self), s.unicodeScalars.count == 1 {
                return (s.unicodeScalars.first!, length)
            }
        }
        return nil
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
    }
}
