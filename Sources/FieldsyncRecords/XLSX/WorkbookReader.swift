import FieldsyncModel
import FieldsyncProtocol
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import ZIPFoundation

/// Reads the records of an `.xlsx` workbook (Office Open XML, as Excel, WPS and
/// LibreOffice save it) through the same header rules as a CSV file: the sheet named
/// 数据 (or `data`) if there is one, else the first; its first row with anything in it
/// is the header, each later row a record.
///
/// What a cell holds is read as the sheet shows it: shared and inline strings, numbers
/// as typed (``ExcelNumber``), booleans, every cell whose number format shows a date
/// as that date (``ExcelDate``; a date with a time of day is a clock time in the
/// scheme's zone), formulas by their cached value. A cell in error, a formula never
/// calculated, merged cells among the records: a problem naming the cell.
///
/// The workbook is hostile like every drop file: its zip is read from the bytes in
/// memory (never extracted to disk), each part inflated at most to `maxPartBytes`
/// (a zip bomb is refused as it inflates), no XML part may declare a document type
/// (entity expansion), at most ``Limits/recordFields`` columns.
public enum WorkbookReader {
    /// The OLE2 signature: an encrypted workbook, or Excel 97-2003's `.xls`.
    static let compoundDocument: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]

    public static func read(_ file: any ByteSource, maxPartBytes: Int, record: (RawRecord) throws -> Void,
                            problem: (Problem) -> Void) throws {
        // The sheet's rows reach `record` from the XML parser's callbacks, all before
        // this returns.
        try withoutActuallyEscaping(record) { record in
            try withoutActuallyEscaping(problem) { problem in
                try read(file, maxPartBytes: maxPartBytes, escapingRecord: record, problem: problem)
            }
        }
    }

    private static func read(_ file: any ByteSource, maxPartBytes: Int, escapingRecord record: @escaping (RawRecord) throws -> Void,
                             problem: @escaping (Problem) -> Void) throws {
        let data = try bytes(of: file)
        if data.starts(with: compoundDocument) {
            throw Problem(.file, zh: "这是加密的工作簿或旧版 .xls 文件;请取消密码,另存为 .xlsx 后再提交",
                          en: "this is an encrypted workbook or an old .xls file; remove the password and save it as .xlsx")
        }
        let archive: Archive
        do {
            archive = try Archive(data: data, accessMode: .read)
        } catch {
            throw notAWorkbook("the file is not a zip archive")
        }
        var budget = maxPartBytes.multipliedReportingOverflow(by: 2).overflow ? Int.max : maxPartBytes * 2  // all parts together
        /// Inflates `path` chunk by chunk into `body`, within the limits; false when the
        /// workbook has no such part.
        func inflate(_ path: String, limit: Int = maxPartBytes, _ body: (Data) throws -> Void) throws -> Bool {
            guard let entry = archive[path] else { return false }
            var inflated = 0
            do {
                _ = try archive.extract(entry, bufferSize: 1 << 18, skipCRC32: false) { chunk in
                    inflated += chunk.count
                    if inflated > limit || inflated > budget { throw TooLarge() }
                    try body(chunk)
                }
            } catch is TooLarge {
                throw Problem(.file, zh: "工作簿解压后过大(\(path) 超过 \(min(limit, budget)) 字节),疑似压缩炸弹",
                              en: "the workbook inflates beyond its limit (\(path) past \(min(limit, budget)) bytes): refused as a zip bomb")
            } catch let problem as Problem {
                throw problem
            } catch let malformed as XMLScanner.Malformed {
                throw notAWorkbook("\(path) is not well-formed XML: \(malformed.reason)")
            } catch {
                throw notAWorkbook("\(path) cannot be read from the zip")
            }
            budget -= inflated
            return true
        }
        /// A part read whole (the workbook, its relationships, styles, shared strings):
        /// held in memory, so held to `wholePartBytes`.
        func part(_ path: String) throws -> Data? {
            var out = Data()
            guard try inflate(path, limit: min(maxPartBytes, wholePartBytes), { out.append($0) }) else { return nil }
            // OOXML parts are UTF-8; one in UTF-16 or UTF-32 (NUL bytes, a BOM) would hide
            // a DOCTYPE from the check below, so it is refused first.
            if out.first == 0xFE || out.first == 0xFF || out.contains(0) {
                throw Problem(.file, zh: "工作簿中的 \(path) 不是 UTF-8 编码,拒绝读取", en: "\(path) in the workbook is not UTF-8; refused")
            }
            if WorkbookParts.hasDocumentType(out) {
                throw Problem(.file, zh: "工作簿中的 \(path) 含有 DOCTYPE/ENTITY 声明,拒绝读取",
                              en: "\(path) in the workbook declares a DOCTYPE or ENTITY; refused")
            }
            return out
        }
        func parsed<D: XMLParserDelegate>(_ path: String, _ delegate: D, required: Bool = true) throws -> D {
            guard let data = try part(path) else {
                if required { throw notAWorkbook("\(path) is missing") }
                return delegate
            }
            guard WorkbookParts.parse(data, delegate) else { throw notAWorkbook("\(path) is not well-formed XML") }
            return delegate
        }

        let workbook = try parsed("xl/workbook.xml", WorkbookParts.SheetListReader()).workbook
        let relationships = try parsed("xl/_rels/workbook.xml.rels", WorkbookParts.RelationshipsReader()).targets
        guard let sheet = workbook.sheets.first(where: { ["数据", "data"].contains($0.name.lowercased()) }) ?? workbook.sheets.first,
              let target = relationships[sheet.relationship] else {
            throw notAWorkbook("it has no worksheet")
        }
        let sheetPath = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
        let shared = try parsed("xl/sharedStrings.xml", WorkbookParts.SharedStringsReader(limit: maxPartBytes), required: false)
        let styles = try parsed("xl/styles.xml", WorkbookParts.StylesReader(), required: false)

        var header: TableHeader?
        var raw = RawRecord(location: .file)
        raw.savedAt = try parsed("docProps/core.xml", WorkbookParts.CorePropertiesReader(), required: false).modified
        var reader = SheetReader(sharedStrings: shared.strings, styles: styles, date1904: workbook.date1904)
        func handle(row: Int, cells: [SheetReader.Cell]) throws {
            if let wide = cells.first(where: { $0.reference.column >= Limits.recordFields }) {
                throw Problem(.cell(row: row, column: wide.reference.columnLetters),
                              zh: "超过 \(Limits.recordFields) 列;一条记录最多 \(Limits.recordFields) 列",
                              en: "beyond column \(Limits.recordFields); a record has at most \(Limits.recordFields) fields")
            }
            guard let header else {
                var names = Array(repeating: "", count: (cells.map(\.reference.column).max() ?? -1) + 1)
                for cell in cells {
                    guard case .text(let name) = cell.value else {
                        problem(Problem(.cell(row: row, column: cell.reference.columnLetters),
                                        zh: "表头必须是文字(字段名)", en: "a header cell must be text (a field name)"))
                        continue
                    }
                    names[cell.reference.column] = name
                }
                header = TableHeader(names: names, at: .row(row), problem: problem)
                raw.columnLetters = header?.columnLetters
                return
            }
            if header.broken { return }
            raw.location = .row(row)
            for i in raw.values.indices { raw.values[i] = nil }
            for cell in cells {
                let at = RecordLocation.cell(row: row, column: cell.reference.columnLetters)
                let field = cell.reference.column < header.columns.count ? header.columns[cell.reference.column] : nil
                guard let field else {
                    if header.informationalColumns.contains(cell.reference.column) { continue }
                    problem(Problem(at, zh: "该列没有表头(字段名)", en: "this column has no header (field name)"))
                    continue
                }
                switch cell.value {
                case .text(let s): raw[field] = .text(s)
                case .number(let n): raw[field] = .number(n)
                case .bool(let b): raw[field] = .bool(b)
                case .date(let d): raw[field] = d.contains("T") ? .clockTime(d) : .text(d)
                case .error(let e):
                    problem(Problem(at, field: field.name, zh: "单元格为错误值 \(e)", en: "the cell holds the error \(e)"))
                case .unreadable(let what):
                    problem(Problem(at, field: field.name, zh: "无法读取该单元格(\(what));请在表格软件中重新计算并保存",
                                    en: "the cell cannot be read (\(what)); recalculate and save it in the spreadsheet"))
                }
            }
            if header.isUnfilled(raw) { return }
            try record(raw)
        }
        // The sheet, streamed: its rows reach `record` as the part inflates.
        let found = try inflate(sheetPath) { chunk in
            try chunk.withUnsafeBytes { bytes in try reader.feed(bytes, onRow: handle) }
        }
        guard found else { throw notAWorkbook("\(sheetPath) is missing") }
        guard reader.isComplete else { throw notAWorkbook("\(sheetPath) ends in the middle of a tag") }
        if header == nil {
            throw Problem(.file, zh: "工作表“\(sheet.name)”为空", en: "the sheet \"\(sheet.name)\" is empty")
        }
        for range in reader.merged {
            let first = range.split(separator: ":").first.flatMap { CellReference($0) }
            problem(Problem(first.map { .cell(row: $0.row, column: $0.columnLetters) } ?? .file,
                            zh: "含有合并单元格 \(range);每条记录须一行一格,请取消合并",
                            en: "merged cells \(range); every record needs a cell per field on its own row: unmerge them"))
        }
    }

    private struct TooLarge: Error {}

    /// A worksheet part's rows as text, the part fed in `chunks` as they would inflate
    /// (no shared strings, no styles): for the fuzzer, which checks that how the bytes
    /// are cut never changes what is read. Throws what a malformed part throws.
    public static func sheetRows(_ chunks: [[UInt8]]) throws -> [String] {
        var reader = SheetReader(sharedStrings: [], styles: WorkbookParts.StylesReader(), date1904: false)
        var rows: [String] = []
        for chunk in chunks {
            try chunk.withUnsafeBytes { bytes in
                try reader.feed(bytes) { row, cells in
                    rows.append("\(row):" + cells.map { "\($0.reference)=\($0.value)" }.joined(separator: "|"))
                }
            }
        }
        guard reader.isComplete else { throw XMLScanner.Malformed(reason: "cut off") }
        return rows + reader.merged
    }

    /// The most a part read whole may inflate to: a workbook's shared strings for
    /// 200,000 rows of distinct ids are about 10 MB.
    static let wholePartBytes = 48 << 20

    private static func notAWorkbook(_ why: String) -> Problem {
        Problem(.file, zh: "无法读取该 .xlsx 工作簿(\(why));请用 Excel、WPS 或 LibreOffice 重新另存为 .xlsx",
                en: "this .xlsx workbook cannot be read (\(why)); save it again as .xlsx from Excel, WPS or LibreOffice")
    }

    /// The whole file: a zip's directory is at its end.
    private static func bytes(of file: any ByteSource) throws -> Data {
        var data = Data()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 18, alignment: 16)
        defer { buffer.deallocate() }
        var offset: Int64 = 0
        while true {
            let n = try file.read(into: buffer, at: offset)
            if n == 0 { break }
            data.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[0 ..< n]))
            offset += Int64(n)
        }
        return data
    }
}
