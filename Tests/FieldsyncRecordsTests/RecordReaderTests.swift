import FieldsyncModel
@testable import FieldsyncRecords
import Testing

/// Bytes in memory, as the readers see a staged file.
struct MemoryBytes: ByteSource {
    var bytes: [UInt8]
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws -> Int {
        let start = min(Int(offset), bytes.count)
        let n = min(buffer.count, bytes.count - start)
        buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes.withUnsafeBytes { $0 }[start ..< start + n]))
        return n
    }
}

/// Reading records from bytes, whatever the format: each record with where it was,
/// each problem with where it is.
@Suite("RecordReader")
struct RecordReaderTests {
    func read(_ text: String, _ format: RecordFormat) throws -> (records: [RawRecord], problems: [Problem]) {
        var records: [RawRecord] = []
        var problems: [Problem] = []
        do {
            try RecordReader.read(MemoryBytes(bytes: Array(text.utf8)), format: format, encoding: .utf8,
                                  record: { records.append($0) }, problem: { problems.append($0) })
        } catch let problem as Problem {
            problems.append(problem)  // a problem of the whole file ends the reading
        }
        return (records, problems)
    }

    @Test("A record naming a field twice is refused, in JSON and JSONL alike",
          arguments: [RecordFormat.json, .jsonl])
    func duplicateField(format: RecordFormat) throws {
        let text = #"{"id": "a", "kind": "report", "value": 1, "value": 100}"# + "\n"
        let read = try read(text, format)
        #expect(read.records.isEmpty)
        #expect(read.problems.first?.description.contains("appears twice") == true, "\(read.problems)")
    }

    @Test("JSONL records carry their line; a bad line is a problem of its own")
    func jsonlLines() throws {
        let text = "{\"id\": \"a\"}\n\n{\"id\": \"b\"}\n{oops}\n"
        let read = try read(text, .jsonl)
        #expect(read.records.map(\.location) == [.line(1), .line(3)])
        #expect(read.problems.map(\.location) == [.line(4)])
    }
}
