/// Where a reader gets a file's bytes from — the copy of a drop file in the store, or
/// bytes in memory — without knowing which: parsing knows nothing of files.
///
/// Reads are positioned, so several readers may share one source.
public protocol ByteSource: Sendable {
    /// Reads up to `buffer.count` bytes at `offset`; 0 at the end.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws -> Int
}
