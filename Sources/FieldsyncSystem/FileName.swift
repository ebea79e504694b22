import Glibc

/// One entry's name in a directory, exactly as the kernel keeps it: up to `NAME_MAX`
/// bytes, any byte but `/` and NUL, not necessarily UTF-8.
///
/// Names arrive from `readdir(3)` and inotify as bytes. Keeping them as bytes (rather than
/// decoding them into a `String`, which would replace invalid sequences) means the file
/// that was listed is the file that is opened, renamed and answered, whatever its name
/// is made of.
public struct FileName: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The name's bytes, without a terminating NUL.
    public let bytes: [UInt8]

    /// The longest name a Linux file system takes, in bytes.
    public static let maximumLength = Int(NAME_MAX)

    /// A name from bytes; nil when they cannot be one entry's name (empty, `.`, `..`,
    /// longer than ``maximumLength``, or holding `/` or NUL).
    public init?(bytes: some Sequence<UInt8>) {
        let bytes = Array(bytes)
        guard !bytes.isEmpty, bytes.count <= FileName.maximumLength, bytes != [0x2E], bytes != [0x2E, 0x2E],
              !bytes.contains(0x2F), !bytes.contains(0) else { return nil }
        self.bytes = bytes
    }

    /// A name from text; nil when it cannot be one entry's name (see ``init(bytes:)``).
    public init?(_ text: String) {
        self.init(bytes: text.utf8)
    }

    /// The name as text when its bytes are valid UTF-8, else nil.
    public var string: String? {
        String(validating: bytes, as: UTF8.self)
    }

    /// One piece of a name: a character as UTF-8 encodes it, or a byte that is not
    /// part of one.
    public enum Piece: Sendable, Hashable {
        case scalar(Unicode.Scalar, utf8: ArraySlice<UInt8>)
        case invalid(UInt8)
    }

    /// The name taken apart into characters and stray bytes, in order.
    public var pieces: [Piece] {
        var pieces: [Piece] = []
        var i = 0
        next: while i < bytes.count {
            for n in 1 ... 4 where i + n <= bytes.count {
                if let s = String(validating: bytes[i ..< i + n], as: UTF8.self), s.unicodeScalars.count == 1 {
                    pieces.append(.scalar(s.unicodeScalars.first!, utf8: bytes[i ..< i + n]))
                    i += n
                    continue next
                }
            }
            pieces.append(.invalid(bytes[i]))
            i += 1
        }
        return pieces
    }

    /// The name for logs and messages: its text, with every byte that is not valid
    /// UTF-8 and every control character shown as `\xNN` — a name cannot break a log
    /// line or drive a terminal.
    public var description: String {
        rendered(escaping: { $0.properties.generalCategory == .control }, as: "\\x")
    }

    /// The name as text, with every byte that is not valid UTF-8, and every byte of a
    /// character `escaping` picks, written as `prefix` and two hex digits.
    public func rendered(escaping: (Unicode.Scalar) -> Bool, as prefix: String) -> String {
        var out = ""
        for piece in pieces {
            switch piece {
            case .scalar(let scalar, _) where !escaping(scalar):
                out.unicodeScalars.append(scalar)
            case .scalar(_, let utf8):
                for byte in utf8 { out += FileName.hex(byte, prefix: prefix) }
            case .invalid(let byte):
                out += FileName.hex(byte, prefix: prefix)
            }
        }
        return out
    }

    /// `byte` as two upper-case hex digits after `prefix`.
    public static func hex(_ byte: UInt8, prefix: String) -> String {
        let digits = Array("0123456789ABCDEF")
        return prefix + String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
    }

    public static func < (a: FileName, b: FileName) -> Bool {
        a.bytes.lexicographicallyPrecedes(b.bytes)
    }

    /// Calls `body` with the name as a NUL-terminated C string.
    func withCString<R>(_ body: (UnsafePointer<CChar>) throws(SystemCallError) -> R) throws(SystemCallError) -> R {
        var terminated = bytes
        terminated.append(0)
        let result: Result<R, SystemCallError> = terminated.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                do throws(SystemCallError) { return .success(try body(chars.baseAddress!)) } catch { return .failure(error) }
            }
        }
        return try result.get()
    }
}
