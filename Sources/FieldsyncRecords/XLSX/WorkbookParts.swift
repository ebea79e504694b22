import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// The small parts of a workbook, read with Foundation's XMLParser (a SAX parser over
/// libxml2): the sheets and their order, the relationships that name their parts, the
/// shared strings, the number formats of the cell styles.
///
/// Every part is checked first to hold no document type declaration: OOXML parts never
/// have one, and refusing it closes entity expansion ("billion laughs") and external
/// entities at once, whatever the XML library would do with them.
enum WorkbookParts {
    struct Sheet {
        var name: String
        var relationship: String
    }

    struct Workbook {
        var sheets: [Sheet] = []
        var date1904 = false
    }

    static func hasDocumentType(_ data: Data) -> Bool {
        let marker = Array("<!DOCTYPE".utf8), entity = Array("<!ENTITY".utf8)
        return data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            guard bytes.count >= marker.count else { return false }
            for i in 0 ... bytes.count - marker.count where bytes[i] == UInt8(ascii: "<") && bytes[i + 1] == UInt8(ascii: "!") {
                if bytes[i ..< i + marker.count].elementsEqual(marker) { return true }
                if i + entity.count <= bytes.count, bytes[i ..< i + entity.count].elementsEqual(entity) { return true }
            }
            return false
        }
    }

    /// Runs `delegate` over `data`; false when the XML is not well-formed.
    static func parse(_ data: Data, _ delegate: some XMLParserDelegate) -> Bool {
        let parser = XMLParser(data: data)
        parser.shouldResolveExternalEntities = false
        parser.shouldProcessNamespaces = false
        parser.delegate = delegate
        return parser.parse()
    }

    /// Local name of an element (`x:row` → `row`): some producers prefix the main namespace.
    static func local(_ name: String) -> Substring {
        if let colon = name.lastIndex(of: ":") { return name[name.index(after: colon)...] }
        return name[...]
    }

    final class SheetListReader: NSObject, XMLParserDelegate {
        var workbook = Workbook()
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            switch local(name) {
            case "sheet":
                let relationship = attributes.first { local($0.key) == "id" && $0.key != "sheetId" }?.value ?? ""
                workbook.sheets.append(Sheet(name: attributes["name"] ?? "", relationship: relationship))
            case "workbookPr":
                let v = attributes["date1904"]?.lowercased()
                workbook.date1904 = v == "1" || v == "true"
            default: break
            }
        }
    }

    /// When the workbook was last saved: the text of `dcterms:modified` in
    /// `docProps/core.xml`, which Excel, WPS, LibreOffice and openpyxl write on saving.
    final class CorePropertiesReader: NSObject, XMLParserDelegate {
        var modified: String?
        private var text: String?
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            if local(name) == "modified" { text = "" }
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if text != nil, (text?.utf8.count ?? 0) < 64 { text? += string }
        }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if local(name) == "modified", let text {
                modified = text.trimmingCharacters(in: .whitespacesAndNewlines)
                self.text = nil
            }
        }
    }

    /// `Id` → target of a `.rels` part.
    final class RelationshipsReader: NSObject, XMLParserDelegate {
        var targets: [String: String] = [:]
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            if local(name) == "Relationship", let id = attributes["Id"], let target = attributes["Target"] {
                targets[id] = target
            }
        }
    }

    /// The shared strings, in order: the text of each `<si>` (its `<t>`, or the `<t>` of
    /// its rich-text runs; phonetic guides `<rPh>` left out). Bounded: at most `limit`
    /// bytes of text in all.
    final class SharedStringsReader: NSObject, XMLParserDelegate {
        var strings: [String] = []
        var current = ""
        var inText = false, inPhonetic = false, inItem = false
        var bytes = 0
        let limit: Int
        var overLimit = false

        init(limit: Int) { self.limit = limit }

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            switch local(name) {
            case "si": inItem = true; current = ""
            case "rPh": inPhonetic = true
            case "t": inText = inItem && !inPhonetic
            default: break
            }
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            switch local(name) {
            case "si":
                strings.append(current)
                inItem = false
            case "rPh": inPhonetic = false
            case "t": inText = false
            default: break
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard inText else { return }
            bytes += string.utf8.count
            if bytes > limit { overLimit = true; parser.abortParsing(); return }
            current += string
        }
    }

    /// The number format of each cell style (`cellXfs`, by index): built-in id and, for
    /// a custom one, its code.
    final class StylesReader: NSObject, XMLParserDelegate {
        var customCodes: [Int: String] = [:]
        var styleFormats: [Int] = []
        var inCellXfs = false

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            switch local(name) {
            case "numFmt":
                if let id = attributes["numFmtId"].flatMap({ Int($0) }), let code = attributes["formatCode"] {
                    customCodes[id] = code
                }
            case "cellXfs": inCellXfs = true
            case "xf" where inCellXfs:
                styleFormats.append(attributes["numFmtId"].flatMap { Int($0) } ?? 0)
            default: break
            }
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if local(name) == "cellXfs" { inCellXfs = false }
        }

        /// Whether cells of style `index` show a date.
        func isDate(style index: Int) -> Bool {
            guard styleFormats.indices.contains(index) else { return false }
            let id = styleFormats[index]
            return NumberFormat.isDate(id: id, code: customCodes[id])
        }
    }
}
