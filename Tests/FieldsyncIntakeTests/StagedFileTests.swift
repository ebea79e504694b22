import Crypto
@testable import FieldsyncIntake
import FieldsyncProtocol
import FieldsyncRecords
import FieldsyncSystem
import Foundation
import Testing

/// Staging hashes a file on a thread of its own, chunk after chunk through two buffers
/// that take turns, while the copy is written: whatever the size — empty, one byte,
/// on either side of a chunk, several chunks — the hash is the file's, and the copy
/// holds its very bytes.
@Suite("Staging: the hash and the copy")
struct StagedFileTests {
    @Test("The staged hash and copy are the file's, at every size around a chunk",
          arguments: [0, 1, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, 3 * (1 << 20) + 12345])
    func hashAndCopy(size: Int) throws {
        let dir = NSTemporaryDirectory() + "fieldsync-stage-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: dir + "/incoming", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Text a clerk might send (ASCII and Chinese), cut to `size` bytes: its hash
        // differs wherever a chunk would be hashed twice, skipped or out of order.
        let line = Array("sc-1,spotcheck,2026,u000,ind.00,1,2026-11-10,1,复核:与自评不一致,insp-11\n".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(size)
        var n = 0
        while bytes.count < size {
            bytes.append(contentsOf: line.prefix(size - bytes.count))
            if bytes.count < size { bytes.append(UInt8(truncatingIfNeeded: n)); n += 1 }
        }
        try Data(bytes).write(to: URL(fileURLWithPath: dir + "/drop.csv"))

        let drop = try DirectoryHandle.open(path: dir)
        let incoming = try DirectoryHandle.open(path: dir + "/incoming")
        let staged = try StagedFile.stage("drop.csv", from: drop, into: incoming, maxSize: 1 << 30)
        defer { try? incoming.removeFile(staged.copyName) }

        #expect(staged.sha256 == Hex.encode(SHA256.hash(data: bytes)))
        #expect(staged.size == Int64(size))
        let copy = try Data(contentsOf: URL(fileURLWithPath: dir + "/incoming/" + staged.copyName.description))
        #expect(copy == Data(bytes))
    }
}
