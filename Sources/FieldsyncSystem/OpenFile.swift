import CLinux
import Glibc

/// An open file descriptor, closed when the value goes away.
///
/// What fieldsync does with a file once it has it open: read it, write it, sync it,
/// and ask what it is (`fstat`) — the descriptor, not a path, so the answers are about
/// the very file that was opened.
public final class OpenFile: Sendable {
    /// The descriptor; valid for as long as this object lives.
    public let descriptor: Int32
    /// What it was opened as, for error messages.
    let subject: String

    init(descriptor: Int32, subject: String) {
        self.descriptor = descriptor
        self.subject = subject
    }

    deinit { SystemCall.close(descriptor) }

    public func status() throws(SystemCallError) -> FileStatus {
        var st = stat()
        _ = try SystemCall.retrying("fstat", subject) { fstat(descriptor, &st) }
        return FileStatus(st)
    }

    /// Reads up to `buffer.count` bytes at the current offset; 0 at the end.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(SystemCallError) -> Int {
        try SystemCall.retrying("read", subject) { Glibc.read(descriptor, buffer.baseAddress, buffer.count) }
    }

    /// Reads up to `buffer.count` bytes at `offset`, leaving the file offset alone (so
    /// that two readers of one descriptor do not disturb each other); 0 at the end.
    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws(SystemCallError) -> Int {
        try SystemCall.retrying("pread", subject) { pread(descriptor, buffer.baseAddress, buffer.count, off_t(offset)) }
    }

    /// Writes every byte.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(SystemCallError) {
        try SystemCall.writeAll(descriptor, bytes, subject)
    }

    public func write(_ bytes: [UInt8]) throws(SystemCallError) {
        let result: Result<Void, SystemCallError> = bytes.withUnsafeBytes { buffer in
            do throws(SystemCallError) { try write(buffer); return .success(()) } catch { return .failure(error) }
        }
        try result.get()
    }

    /// Starts writing what was written back to the disk, without waiting and without
    /// making it durable: a later ``sync()`` or file-system sync then waits for less.
    public func startWriteback() throws(SystemCallError) {
        _ = try SystemCall.retrying("sync_file_range", subject) { fs_start_writeback(descriptor) }
    }

    /// Makes what was written durable (`fsync`).
    public func sync() throws(SystemCallError) {
        _ = try SystemCall.retrying("fsync", subject) { fsync(descriptor) }
    }
}
