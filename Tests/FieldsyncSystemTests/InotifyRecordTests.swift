@testable import FieldsyncSystem
import FieldsyncTesting
import XCTest

/// The decoder of raw `inotify_event` records, on bytes laid out as the kernel does.
final class InotifyRecordTests: XCTestCase {
    /// One record: 16-byte header, then the name NUL-padded to `paddedLength`.
    private func record(wd: Int32, mask: UInt32, cookie: UInt32 = 0, name: String, paddedLength: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        withUnsafeBytes(of: wd.littleEndian) { bytes += $0 }
        withUnsafeBytes(of: mask.littleEndian) { bytes += $0 }
        withUnsafeBytes(of: cookie.littleEndian) { bytes += $0 }
        withUnsafeBytes(of: UInt32(paddedLength).littleEndian) { bytes += $0 }
        let nameBytes = Array(name.utf8)
        precondition(paddedLength == 0 || nameBytes.count < paddedLength)
        bytes += nameBytes + [UInt8](repeating: 0, count: max(0, paddedLength - nameBytes.count))
        return bytes
    }

    func testSeveralPaddedRecordsInOneRead() {
        let bytes = record(wd: 1, mask: 0x8, name: "a.json", paddedLength: 16)
            + record(wd: 2, mask: 0x80, cookie: 7, name: "报表-寿宁.csv", paddedLength: 32)
            + record(wd: 1, mask: 0x400, name: "", paddedLength: 0)
            + record(wd: -1, mask: 0x4000, name: "", paddedLength: 0)
        let records = bytes.withUnsafeBytes { InotifyRecord.parse($0) }
        XCTAssertEqual(records, [
            InotifyRecord(wd: 1, mask: 0x8, cookie: 0, name: Array("a.json".utf8)),
            InotifyRecord(wd: 2, mask: 0x80, cookie: 7, name: Array("报表-寿宁.csv".utf8)),
            InotifyRecord(wd: 1, mask: 0x400, cookie: 0, name: Array("".utf8)),
            InotifyRecord(wd: -1, mask: 0x4000, cookie: 0, name: Array("".utf8)),
        ])
    }

    func testTruncatedTrailingRecordIsIgnored() {
        let whole = record(wd: 1, mask: 0x8, name: "ok", paddedLength: 16)
        let cut = Array(record(wd: 1, mask: 0x8, name: "cut-short", paddedLength: 16).prefix(20))
        let records = (whole + cut).withUnsafeBytes { InotifyRecord.parse($0) }
        XCTAssertEqual(records, [InotifyRecord(wd: 1, mask: 0x8, cookie: 0, name: Array("ok".utf8))])
    }

    func testHeaderSizeMatchesTheKernelStruct() {
        XCTAssertEqual(InotifyRecord.headerSize, 16)
    }
}
