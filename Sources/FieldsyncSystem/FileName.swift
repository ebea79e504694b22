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

    /// The name for logs and messages: its text, with every byte that is not valid
    /// UTF-8 shown as `\xNN`.
    public var description: String {
        string ?? bytes.map { $0 < 0x80 ? String(UnicodeScalar($0)) : "\\x" + String($0, radix: 16, uppercase: true) }.joined()
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
