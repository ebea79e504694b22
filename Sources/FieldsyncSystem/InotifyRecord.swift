import Glibc

/// One `struct inotify_event` as read from an inotify descriptor, decoded.
///
/// A `read(2)` on inotify returns several variable-length records back to back:
/// a fixed 16-byte header (`wd`, `mask`, `cookie`, `len`) followed by `len` bytes of
/// name, NUL-padded so the next record stays aligned. The header is imported into Swift
/// without its flexible `name[]` member, so the records are decoded here by hand; the
/// parser is separate from the watcher so it can be tested on crafted bytes.
struct InotifyRecord: Sendable, Equatable {
    /// The watch descriptor, or -1 for queue-wide events such as `IN_Q_OVERFLOW`.
    var wd: Int32
    var mask: UInt32
    var cookie: UInt32
    /// The entry's name within the watched directory, as bytes (a name need not be
    /// UTF-8); empty for events on the directory itself.
    var name: [UInt8]

    /// Size of the fixed part of `struct inotify_event`.
    static let headerSize = MemoryLayout<inotify_event>.size

    /// Decodes every complete record in `bytes`. A truncated trailing record (which the
    /// kernel never produces: it returns `EINVAL` rather than split one) is ignored.
    static func parse(_ bytes: UnsafeRawBufferPointer) -> [InotifyRecord] {
        var records: [InotifyRecord] = []
        var offset = 0
        while offset + headerSize <= bytes.count {
            let wd = bytes.loadUnaligned(fromByteOffset: offset, as: Int32.self)
            let mask = bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
            let cookie = bytes.loadUnaligned(fromByteOffset: offset + 8, as: UInt32.self)
            let length = Int(bytes.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
            let nameStart = offset + headerSize
            guard nameStart + length <= bytes.count else { break }
            // The name is NUL-terminated inside its padded field; cut at the first NUL.
            let field = UnsafeRawBufferPointer(rebasing: bytes[nameStart ..< nameStart + length])
            let end = field.firstIndex(of: 0) ?? field.count
            let name = Array(field[0 ..< end])
            records.append(InotifyRecord(wd: wd, mask: mask, cookie: cookie, name: name))
            offset = nameStart + length
        }
        return records
    }
}
