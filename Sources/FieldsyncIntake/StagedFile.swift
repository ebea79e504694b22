import FieldsyncProtocol
import FieldsyncRecords
import FieldsyncSystem
import Glibc

/// A dropped file copied into the store's `incoming/` directory: the bytes that were
/// hashed are exactly the bytes that get parsed and archived, whatever the writer does
/// to the original afterwards.
public struct StagedFile: Sendable {
    /// The original's name in its drop directory.
    public var name: FileName
    public var sha256: String
    public var size: Int64
    /// nil when the bytes are neither UTF-8 nor (possibly) GB18030 — decided while parsing.
    public var encoding: TextEncoding
    /// The original as it was when the copy was complete: only that very file,
    /// unchanged, is moved or removed afterwards.
    public var status: FileStatus
    /// The copy's name in `incoming/`.
    var copyName: FileName
    /// The copy, open for reading (readers use positioned reads, so they may share it).
    var copy: OpenFile

    /// Opens `name` in `directory` without following a link or blocking on a FIFO,
    /// checks that the opened file is a regular file with one name and at most
    /// `maxSize` bytes, copies it into `incoming` — hashing it and checking its UTF-8 on
    /// the way. The copy is not synced here: a group's copies are made durable at once,
    /// before any of them is answered (``Intake/complete(_:)``). A file whose size or
    /// times moved while it was copied is refused as ``Refusal/changedWhileRead`` and
    /// left for later.
    ///
    /// The caller has already seen a regular file there (`status(of:)`), so a device is
    /// never opened at all; the checks here catch a swap in between.
    static func stage(_ name: FileName, from directory: DirectoryHandle, into incoming: DirectoryHandle,
                      maxSize: Int64) throws(Refusal) -> StagedFile {
        let file: OpenFile
        do {
            file = try directory.openForReading(name)
        } catch {
            switch error.errno {
            case ENOENT: throw .vanished
            case ELOOP: throw .notRegular(.symbolicLink)
            case ENXIO: throw .notRegular(.socket)
            default: throw .unreadable(String(cString: strerror(error.errno)))
            }
        }
        let before = try status(of: file)
        guard before.kind == .regular else { throw .notRegular(before.kind) }
        guard before.linkCount == 1 else { throw .hardLink(count: before.linkCount) }
        guard before.size <= maxSize else { throw .tooLarge(size: before.size, limit: maxSize) }

        let copyName = DirectoryHandle.temporaryName()
        let out: OpenFile
        do {
            out = try incoming.createFile(copyName, permissions: 0o640)
        } catch {
            throw .storeFailure("\(error)")
        }
        var kept = false
        defer { if !kept { try? incoming.removeFile(copyName) } }

        let hasher = ChunkHasher(bufferSize: 1 << 20)
        var utf8 = UTF8Validator()
        var size: Int64 = 0
        var firstBytes: [UInt8] = []
        while true {
            let filled: UnsafeRawBufferPointer?
            do {
                filled = try hasher.fill { buffer throws(SystemCallError) in try file.read(into: buffer) }
            } catch {
                throw .unreadable(String(cString: strerror(error.errno)))
            }
            guard let chunk = filled else { break }
            size += Int64(chunk.count)
            guard size <= maxSize else { throw Refusal.tooLarge(size: size, limit: maxSize) }
            if firstBytes.count < 3 { firstBytes.append(contentsOf: chunk.prefix(3 - firstBytes.count)) }
            utf8.feed(chunk)
            do {
                try out.write(chunk)
            } catch {
                throw .storeFailure("\(error)")
            }
        }
        // Its writeback runs while the records are reconciled: the group's file-system
        // sync before the first receipt then finds the copy already on the disk.
        try? out.startWriteback()
        let after = try status(of: file)
        guard !after.differsInContent(from: before), size == after.size else { throw .changedWhileRead }
        guard after.linkCount == 1 else { throw .hardLink(count: after.linkCount) }

        let copy: OpenFile
        do {
            copy = try incoming.openForReading(copyName)
        } catch {
            throw .storeFailure("\(error)")
        }
        let encoding: TextEncoding = utf8.finish()
            ? (firstBytes == [0xEF, 0xBB, 0xBF] ? .utf8BOM : .utf8)
            : .gb18030
        kept = true
        return StagedFile(name: name, sha256: hasher.finalize(), size: size, encoding: encoding,
                          status: after, copyName: copyName, copy: copy)
    }

    private static func status(of file: OpenFile) throws(Refusal) -> FileStatus {
        do {
            return try file.status()
        } catch {
            throw .unreadable(String(cString: strerror(error.errno)))
        }
    }
}

/// The staged copy is what the record readers read.
extension OpenFile: ByteSource {}
