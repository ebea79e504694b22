import Crypto
import Dispatch
import FieldsyncProtocol

/// SHA-256 of a stream, computed on a thread of its own while the caller makes the rest
/// of its pass over the same bytes: staging checks a file's UTF-8 and writes its copy
/// while the previous chunk is hashed, instead of doing the three in turn (on a 20 MB
/// file the hash alone took 16 ms of staging's 37).
///
/// Two buffers take turns: the caller fills one (``fill(_:)``) while the hasher may
/// still read the other, and waits only when the hasher is a whole chunk behind.
final class ChunkHasher: @unchecked Sendable {
    // @unchecked: `hasher` is touched only on `queue`; `next` only by the caller; the
    // buffers are handed from one to the other through the semaphores.
    private var hasher = SHA256()
    private let queue = DispatchQueue(label: "fieldsync-hash")
    private let buffers: [UnsafeMutableRawBufferPointer]
    /// Signalled when the hasher is done with the buffer of the same index.
    private let free = [DispatchSemaphore(value: 1), DispatchSemaphore(value: 1)]
    private var next = 0

    init(bufferSize: Int) {
        buffers = (0 ..< 2).map { _ in .allocate(byteCount: bufferSize, alignment: 16) }
    }

    /// Pending hashing holds a reference to `self`: when this runs, none is left.
    deinit { for buffer in buffers { buffer.deallocate() } }

    /// A chunk, as the hasher's queue receives it.
    private struct Chunk: @unchecked Sendable {
        let bytes: UnsafeRawBufferPointer
    }

    /// Lets `read` fill the next free buffer and returns the bytes it read — hashed from
    /// now on, beside the caller, who may read them (not change them) until its next
    /// call; nil at the end of the stream (`read` returned 0).
    func fill<E: Error>(_ read: (UnsafeMutableRawBufferPointer) throws(E) -> Int) throws(E) -> UnsafeRawBufferPointer? {
        let index = next
        free[index].wait()
        let count: Int
        do {
            count = try read(buffers[index])
        } catch {
            free[index].signal()
            throw error
        }
        guard count > 0 else {
            free[index].signal()
            return nil
        }
        let chunk = Chunk(bytes: UnsafeRawBufferPointer(rebasing: buffers[index][0 ..< count]))
        queue.async { [self] in
            hasher.update(bufferPointer: chunk.bytes)
            free[index].signal()
        }
        next = 1 - index
        return chunk.bytes
    }

    /// The digest of every chunk filled, in hexadecimal, once the hasher has caught up.
    func finalize() -> String {
        queue.sync { Hex.encode(hasher.finalize()) }
    }
}
