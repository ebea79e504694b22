@testable import FieldsyncRecords
import Testing

/// The CSV reader on bytes, fed in chunks as files arrive: RFC 4180 quoting, CRLF or
/// LF, a field's line breaks, and the line each row starts on.
@Suite("CSVParser")
struct CSVParserTests {
    /// Parses `text` fed `chunk` bytes at a time; returns each row's fields and line.
    func rows(_ text: String, chunk: Int) throws -> [(fields: [String], line: Int)] {
        var parser = CSVParser()
        var out: [(fields: [String], line: Int)] = []
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            let piece = Array(bytes[i ..< min(bytes.count, i + chunk)])
            piece.withUnsafeBufferPointer { buffer in
                parser.feed(buffer) { row in out.append((row.fields.map { String($0) }, row.line)) }
            }
            i += chunk
        }
        try parser.finish { row in out.append((row.fields.map { String($0) }, row.line)) }
        return out
    }

    @Test("Quotes, commas, doubled quotes, CRLF and line breaks inside a field, in any chunking",
          arguments: [1, 2, 3, 7, 1 << 16])
    func quoting(chunk: Int) throws {
        let text = "id,note\r\n1,\"两台, 含控制系统\"\r\n2,\"他说\"\"好\"\"\"\r\n3,\"第一行\n第二行\"\r\n4,\r\n"
        let got = try rows(text, chunk: chunk)
        #expect(got.map(\.fields) == [["id", "note"], ["1", "两台, 含控制系统"], ["2", "他说\"好\""], ["3", "第一行\n第二行"], ["4", ""]])
        #expect(got.map(\.line) == [1, 2, 3, 4, 6], "a row starts on its own line, after a field's line break")
    }

    /// Fed one byte at a time, no field ends within its chunk (the byte-by-byte path);
    /// fed whole, most do (the path that makes a field's String straight from the
    /// chunk): every chunking gives the same rows and lines.
    @Test("A field read whole from its chunk is read as byte by byte",
          arguments: ["a,b,c\n1,,3\n", "a,b\r1,2\r,\r", "a,b\r\n1,2\r\nx,\r\n", "id,note\nabc,长一点的说明\n,\n,,\n",
                      "a\n\n\nb\n", "a,\"q\"\nx,y", "一,二\n三,四", "a,b\n1,2,3,4\n"])
    func fastPathEqualsByteByByte(text: String) throws {
        let reference = try rows(text, chunk: 1)
        for chunk in [2, 3, 5, text.utf8.count] {
            let got = try rows(text, chunk: chunk)
            #expect(got.map(\.fields) == reference.map(\.fields), "chunk \(chunk)")
            #expect(got.map(\.line) == reference.map(\.line), "chunk \(chunk)")
        }
    }

    @Test("The last row needs no line break")
    func lastRow() throws {
        #expect(try rows("a,b\n1,2", chunk: 3).map(\.fields) == [["a", "b"], ["1", "2"]])
    }
}
