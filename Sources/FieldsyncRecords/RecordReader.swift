import FieldsyncModel
import FieldsyncProtocol
import Glibc

/// Turns a staged file's bytes into raw records, streaming where the format allows
/// (CSV, JSONL) so that memory stays flat however large the file is. Problems that
/// stop the reading (bad encoding, broken JSON) are thrown; problems confined to one
/// record are reported and reading goes on, so that the errors file lists them all.
public enum RecordReader {
    static let chunkSize = 1 << 18

    /// - Parameter inflateLimit: how far one part of a workbook may inflate (a zip bomb
    ///   is refused past it).
    public static func read(_ file: any ByteSource, format: RecordFormat, encoding: TextEncoding,
                            inflateLimit: Int = 1 << 30,
                            record: (RawRecord) throws -> Void, problem: (Problem) -> Void) throws {
        switch format {
        case .xlsx: try WorkbookReader.read(file, maxPartBytes: inflateLimit, record: record, problem: problem)
        case .csv: try readCSV(file, encoding: encoding, record: record, problem: problem)
        case .jsonl: try readJSONL(file, encoding: encoding, record: record, problem: problem)
        case .json: try readJSON(file, encoding: encoding, record: record, problem: problem)
        }
    }

    /// Streams the file as UTF-8 chunks, without a BOM, transcoding GB18030.
    static func utf8Chunks(_ file: any ByteSource, encoding: TextEncoding, _ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        let decoder: GB18030Decoder?
        if encoding == .gb18030 {
            guard let d = GB18030Decoder() else {
                throw Problem(.file, zh: "系统缺少 GB18030 转换(iconv)", en: "this system's iconv cannot decode GB18030")
            }
            decoder = d
        } else {
            decoder = nil
        }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        var first = true
        var offset: Int64 = 0
        while true {
            let n = try file.read(into: buffer, at: offset)
            offset += Int64(n)
            var chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<n])
            if first, encoding == .utf8BOM, chunk.count >= 3 { chunk = UnsafeRawBufferPointer(rebasing: chunk[3...]) }
            first = false
            if let decoder {
                do {
                    try decoder.decode(chunk, final: n == 0) { try body($0) }
                } catch let e as GB18030Decoder.InvalidByte {
                    throw Problem(.file, zh: "文件既不是 UTF-8 也不是 GB18030 编码(第 \(e.offset) 字节处)。请另存为“CSV UTF-8”",
                                  en: "the file is neither UTF-8 nor GB18030 text (at byte \(e.offset)); save it as \"CSV UTF-8\"")
                }
            } else if chunk.count > 0 {
                try body(chunk.bindMemory(to: UInt8.self))
            }
            if n == 0 { break }
        }
    }

    static func readCSV(_ file: any ByteSource, encoding: TextEncoding, record: (RawRecord) throws -> Void,
                        problem: (Problem) -> Void) throws {
        var parser = CSVParser(maxFields: Limits.recordFields)
        var header: TableHeader?
        var raw = RawRecord(location: .file)
        func handleRow(_ row: CSVRow) throws {
            if row.droppedFields > 0 {
                throw Problem(.line(row.line), zh: "本行超过 \(Limits.recordFields) 列;一条记录最多 \(Limits.recordFields) 列",
                              en: "this line has more than \(Limits.recordFields) fields; a record has at most \(Limits.recordFields)")
            }
            guard let header else {
                header = TableHeader(names: row.fields, at: .line(row.line), problem: problem)
                return
            }
            if header.broken { return }
            let columns = header.columns
            if row.fields.allSatisfy({ $0.isEmpty }) { return }  // Excel's trailing ",,,,"
            if row.fields.count > columns.count, row.fields[columns.count...].contains(where: { !$0.isEmpty }) {
                problem(Problem(.line(row.line), zh: "本行有 \(row.fields.count) 列,但表头只有 \(columns.count) 列",
                                en: "this row has \(row.fields.count) fields but the header has \(columns.count)"))
                return
            }
            // One record reused row after row: its storage is allocated once.
            raw.location = .line(row.line)
            for i in raw.values.indices { raw.values[i] = nil }
            for (i, field) in columns.enumerated() where i < row.fields.count {
                guard let field, !row.fields[i].isEmpty else { continue }
                raw[field] = .text(row.fields[i])
            }
            if header.isUnfilled(raw) { return }
            try record(raw)
        }
        try utf8Chunks(file, encoding: encoding) { chunk in
            try parser.feed(chunk, emit: handleRow)
        }
        do {
            try parser.finish(emit: handleRow)
        } catch let e as CSVParser.UnterminatedQuote {
            throw Problem(.line(e.line), zh: "引号未闭合(从此行开始的字段缺少结尾的 \")", en: "a quoted field starting on this line is never closed")
        }
        if header == nil {
            throw Problem(.file, zh: "文件为空", en: "the file is empty")
        }
    }

    static func readJSONL(_ file: any ByteSource, encoding: TextEncoding, record: (RawRecord) throws -> Void,
                          problem: (Problem) -> Void) throws {
        var pending: [UInt8] = []
        var lineNumber = 0
        var sawRecord = false
        func handle(_ line: ArraySlice<UInt8>) throws {
            lineNumber += 1
            var bytes = Array(line)
            if bytes.last == 0x0D { bytes.removeLast() }
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }
            var parser = JSONParser(bytes, firstLine: lineNumber)
            do {
                let value = try parser.parseRecord()
                sawRecord = true
                if let raw = rawRecord(value, location: .line(lineNumber), problem: problem) { try record(raw) }
            } catch let e as JSONSyntaxError {
                problem(Problem(.line(lineNumber), zh: "JSON 语法错误(第 \(e.column) 列):\(e.message)",
                                en: "JSON syntax error at column \(e.column): \(e.message)"))
            }
        }
        try utf8Chunks(file, encoding: encoding) { chunk in
            var start = 0
            for i in 0..<chunk.count where chunk[i] == 0x0A {
                if pending.isEmpty {
                    try handle(ArraySlice(UnsafeBufferPointer(rebasing: chunk[start..<i])))
                } else {
                    pending.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[start..<i]))
                    try handle(pending[...])
                    pending.removeAll(keepingCapacity: true)
                }
                start = i + 1
            }
            pending.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[start...]))
        }
        if !pending.isEmpty { try handle(pending[...]) }
        if !sawRecord && lineNumber == 0 { throw Problem(.file, zh: "文件为空", en: "the file is empty") }
    }

    static func readJSON(_ file: any ByteSource, encoding: TextEncoding, record: (RawRecord) throws -> Void,
                         problem: (Problem) -> Void) throws {
        var bytes: [UInt8] = []
        try utf8Chunks(file, encoding: encoding) { bytes.append(contentsOf: $0) }
        var parser = JSONParser(bytes)
        do {
            try parser.parseRecords { value, index, line in
                let location: RecordLocation = index.map { .index($0, line: line) } ?? .line(line)
                if let raw = rawRecord(value, location: location, problem: problem) { try record(raw) }
            }
        } catch let error as JSONSyntaxError {
            throw Problem(.line(error.line), zh: "JSON 语法错误(第 \(error.column) 列):\(error.message)",
                          en: "JSON syntax error at column \(error.column): \(error.message)")
        }
    }

    static func rawRecord(_ value: JSONValue, location: RecordLocation, problem: (Problem) -> Void) -> RawRecord? {
        guard case .object(let members) = value else {
            problem(Problem(location, zh: "每条记录必须是 JSON 对象 {…}", en: "each record must be a JSON object {…}"))
            return nil
        }
        var raw = RawRecord(location: location)
        for (key, v) in members {
            switch v {
            case .null: continue
            case .bool(let b): raw.set(key, .bool(b))
            case .number(let n): raw.set(key, .number(n))
            case .string(let s): raw.set(key, .text(s))
            case .array, .object: raw.set(key, .structured)
            }
        }
        return raw
    }
}

