import FieldsyncProtocol
import Foundation
import ZIPFoundation

/// An `.xlsx` workbook written for people — the scoreboard (`fieldsync scores --format
/// xlsx`) — as Excel, WPS and LibreOffice open it: sheets of text and numbers, a bold
/// header row that stays in view, numbers shown with a fixed number of decimals, columns
/// wide enough for Chinese.
///
/// Written with ZIPFoundation into memory; the XML is the small part of SpreadsheetML a
/// table needs (inline strings, one style sheet), written here because no package on
/// this machine writes `.xlsx`.
public struct Workbook: Sendable {
    /// One cell's content.
    public enum Cell: Sendable, Equatable {
        case text(String)
        /// A number's decimal text (exact: never through `Double`), shown with two
        /// decimals (a score, a total).
        case number(String)
        /// A number shown as it is (a value, a target).
        case plainNumber(String)
        case empty
    }

    /// What a cell a person fills may hold, checked by the spreadsheet as they type.
    public struct Validation: Sendable {
        public enum Rule: Sendable {
            /// One of these words (a drop-down list).
            case list([String])
            /// A number ≥ 0.
            case nonNegativeNumber
        }

        public var rule: Rule
        /// Cells it applies to, as `J2`.
        public var cells: [String]
        /// Shown when what is typed is refused.
        public var message: String

        public init(rule: Rule, cells: [String], message: String) {
            self.rule = rule
            self.cells = cells
            self.message = message
        }
    }

    public struct Sheet: Sendable {
        public var name: String
        /// The first row is the header: bold, and frozen in view.
        public var rows: [[Cell]]
        public var validations: [Validation]
        /// Columns (from 0) kept out of sight: what a fill-in workbook needs back, in
        /// ordinary cells every spreadsheet keeps when it saves.
        public var hiddenColumns: Set<Int>

        public init(name: String, rows: [[Cell]], validations: [Validation] = [], hiddenColumns: Set<Int> = []) {
            self.name = name
            self.rows = rows
            self.validations = validations
            self.hiddenColumns = hiddenColumns
        }
    }

    public var sheets: [Sheet] = []
    /// When the workbook was made, as its document properties say (`dcterms:created`
    /// and `dcterms:modified`, which spreadsheets update on saving); nil: none written,
    /// and the same content gives the same bytes.
    public var savedAt: Timestamp?

    public init(sheets: [Sheet] = [], savedAt: Timestamp? = nil) {
        self.sheets = sheets
        self.savedAt = savedAt
    }

    /// The workbook's bytes.
    public func data() throws -> Data {
        let archive = try Archive(accessMode: .create)
        func add(_ path: String, _ text: String) throws {
            let bytes = Data(text.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(bytes.count),
                                 modificationDate: Date(timeIntervalSince1970: 1_767_225_600),  // fixed: same content, same bytes
                                 compressionMethod: .deflate) { position, size in
                bytes.subdata(in: Int(position) ..< Int(position) + size)
            }
        }
        let names = uniqueSheetNames()
        try add("[Content_Types].xml", contentTypes())
        let core = savedAt.map { _ in #"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>"# } ?? ""
        try add("_rels/.rels", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
            <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>\
            \(core)</Relationships>
            """)
        if let savedAt {
            let when = savedAt.iso8601Seconds
            try add("docProps/core.xml", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" \
                xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\
                <dcterms:created xsi:type="dcterms:W3CDTF">\(when)</dcterms:created>\
                <dcterms:modified xsi:type="dcterms:W3CDTF">\(when)</dcterms:modified></cp:coreProperties>
                """)
        }
        try add("xl/workbook.xml", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
            xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>\
            \(names.enumerated().map { i, name in #"<sheet name="\#(Self.escape(name))" sheetId="\#(i + 1)" r:id="rId\#(i + 1)"/>"# }.joined())\
            </sheets></workbook>
            """)
        try add("xl/_rels/workbook.xml.rels", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
            \(sheets.indices.map { i in #"<Relationship Id="rId\#(i + 1)" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet\#(i + 1).xml"/>"# }.joined())\
            <Relationship Id="rId\(sheets.count + 1)" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>\
            </Relationships>
            """)
        try add("xl/styles.xml", Self.styles)
        for (i, sheet) in sheets.enumerated() {
            try add("xl/worksheets/sheet\(i + 1).xml", Self.worksheet(sheet))
        }
        guard let data = archive.data else { throw CocoaError(.fileWriteUnknown) }
        return data
    }

    /// Sheet names as Excel takes them: at most 31 characters, none of `[]:*?/\`, each once.
    func uniqueSheetNames() -> [String] {
        var seen = Set<String>()
        return sheets.map { sheet in
            let cleaned = String(sheet.name.map { "[]:*?/\\".contains($0) ? "_" : $0 }.prefix(31))
            var name = cleaned.isEmpty ? "Sheet" : cleaned
            var n = 2
            while !seen.insert(name.lowercased()).inserted {
                name = String(cleaned.prefix(27)) + " (\(n))"
                n += 1
            }
            return name
        }
    }

    private func contentTypes() -> String {
        """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
        <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
        <Default Extension="xml" ContentType="application/xml"/>\
        <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
        <Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
        \(savedAt == nil ? "" : #"<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>"#)\
        \(sheets.indices.map { i in #"<Override PartName="/xl/worksheets/sheet\#(i + 1).xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"# }.joined())\
        </Types>
        """
    }

    /// Style 0: plain; 1: a number with two decimals (built-in format 2, `0.00`); 2: bold.
    static let styles = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
        <fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>\
        <fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>\
        <borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
        <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
        <cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
        <xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
        <xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>\
        <cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
        </styleSheet>
        """

    static func worksheet(_ sheet: Sheet) -> String {
        let columns = sheet.rows.map(\.count).max() ?? 0
        var widths = Array(repeating: 8, count: columns)
        for row in sheet.rows {
            for (c, cell) in row.enumerated() {
                let text: String = switch cell {
                case .text(let t): t
                case .number(let n), .plainNumber(let n): n
                case .empty: ""
                }
                widths[c] = max(widths[c], min(60, DisplayWidth.of(text) + 2))
            }
        }
        var out = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
            <sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>
            """
        if columns > 0 {
            out += "<cols>" + widths.enumerated().map { i, w in
                let hidden = sheet.hiddenColumns.contains(i) ? #" hidden="1""# : ""
                return #"<col min="\#(i + 1)" max="\#(i + 1)" width="\#(w)" customWidth="1"\#(hidden)/>"#
            }.joined() + "</cols>"
        }
        out += "<sheetData>"
        for (r, row) in sheet.rows.enumerated() {
            out += #"<row r="\#(r + 1)">"#
            for (c, cell) in row.enumerated() {
                let ref = columnLetters(c) + String(r + 1)
                switch cell {
                case .text(let t):
                    let style = r == 0 ? #" s="2""# : ""
                    out += #"<c r="\#(ref)"\#(style) t="inlineStr"><is><t xml:space="preserve">\#(escape(t))</t></is></c>"#
                case .number(let n):
                    out += #"<c r="\#(ref)" s="1"><v>\#(n)</v></c>"#
                case .plainNumber(let n):
                    out += #"<c r="\#(ref)"><v>\#(n)</v></c>"#
                case .empty:
                    continue
                }
            }
            out += "</row>"
        }
        out += "</sheetData>"
        let validations = sheet.validations.filter { !$0.cells.isEmpty }
        if !validations.isEmpty {
            out += #"<dataValidations count="\#(validations.count)">"#
            for v in validations {
                let refs = v.cells.joined(separator: " ")
                let message = #"showErrorMessage="1" errorTitle="填写有误 / Not accepted" error="\#(escape(v.message))""#
                switch v.rule {
                case .list(let words):
                    out += #"<dataValidation type="list" allowBlank="1" \#(message) sqref="\#(refs)"><formula1>"\#(escape(words.joined(separator: ",")))"</formula1></dataValidation>"#
                case .nonNegativeNumber:
                    out += #"<dataValidation type="decimal" operator="greaterThanOrEqual" allowBlank="1" \#(message) sqref="\#(refs)"><formula1>0</formula1></dataValidation>"#
                }
            }
            out += "</dataValidations>"
        }
        return out + "</worksheet>"
    }

    static func columnLetters(_ column: Int) -> String {
        var n = column + 1
        var letters: [Character] = []
        while n > 0 {
            n -= 1
            letters.append(Character(Unicode.Scalar(UInt8(ascii: "A") + UInt8(n % 26))))
            n /= 26
        }
        return String(letters.reversed())
    }

    /// Text for XML: `&`, `<`, `>`, `"` escaped; characters XML 1.0 cannot carry dropped.
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value >= 0x20 && scalar.value != 0xFFFE && scalar.value != 0xFFFF { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}
