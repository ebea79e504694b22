import Crypto
import FieldsyncSystem

/// What intake makes of a dropped file's name: whether it is read at all, the text it
/// is known by, and the names derived from it (archive, receipt, errors file), which
/// must each fit in one directory entry however long the dropped name is.
public enum DropName {
    /// The two entries the daemon keeps in every drop directory.
    static let receipts = FileName("receipts")!
    static let rejected = FileName("rejected")!

    /// Names writers use while a file is still being written (write-then-rename), and
    /// Excel's lock files (`~$`): never read.
    public static func isTemporary(_ name: FileName) -> Bool {
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

    /// The name as it is shown and as every name derived from it starts: each byte that
    /// is not part of valid UTF-8, each control character, and `%` and `~` themselves
    /// written as `%XX`. Injective — two names never give the same text, and a `~`
    /// in a derived name can only be the mark of a shortened one — and, for the
    /// ordinary name of a county's file, the name itself.
    public static func escaped(_ name: FileName) -> String {
        name.rendered(escaping: { isControl($0) || $0 == "%" || $0 == "~" }, as: "%")
    }

    /// The name a file is set aside under in `rejected/`: its escaped name, except
    /// that one ending in `.errors.txt` has that dot escaped (`%2E`), so that no file
    /// set aside can take the place of another's errors file.
    static func setAside(_ name: FileName) -> String {
        let escaped = escaped(name)
        guard escaped.hasSuffix(".errors.txt") else { return escaped }
        return String(escaped.dropLast(".errors.txt".count)) + "%2Eerrors.txt"
    }

    /// `prefix + base + suffix` as one entry's name. When that is longer than a file
    /// system takes, `base` is cut at a character boundary and `~` and sixteen hex
    /// digits of its SHA-256 go in place of the rest, so that two long names that start
    /// alike still get different derived names (`base` is an escaped name: it has no
    /// `~` of its own).
    static func derived(_ base: String, prefix: String = "", suffix: String = "") -> FileName {
        let whole = prefix + base + suffix
        if whole.utf8.count <= FileName.maximumLength, let name = FileName(whole) { return name }
        let tag = "~" + SHA256.hash(data: Array(base.utf8)).prefix(8).map { FileName.hex($0, prefix: "") }.joined()
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

}
