/// Reads a worksheet part row by row as it inflates (``XMLScanner``): rows are handed
/// over as they are read, never held as a whole, each cell's value as the sheet shows it.
struct SheetReader {
    /// A cell's value.
    enum Value: Equatable {
        case text(String)
        /// A number's text as typed (``ExcelNumber``).
        case number(String)
        case bool(Bool)
        /// A date cell, as the date (and time) it shows (``ExcelDate``).
        case date(String)
        /// An error value such as `#DIV/0!`.
        case error(String)
        /// Something the sheet holds that is not a value: a formula never calculated, a
        /// shared string that does not exist, a date before 1900.
        case unreadable(String)
    }

    struct Cell {
        var reference: CellReference
        var value: Value
    }

    private let sharedStrings: [String]
    private let styles: WorkbookParts.StylesReader
    private let date1904: Bool

    /// Merged ranges (`A2:C2`), known once the sheet is read.
    private(set) var merged: [String] = []

    private var scanner = XMLScanner()
    private var row = 0
    private var cells: [Cell] = []
    private var nextColumn = 0
    // The cell being read.
    private var reference: CellReference?
    private var type = ""
    private var style = 0
    private var hasFormula = false
    private var value = ""
    private var inline = ""
    private var collecting: Collecting = .none
    private var inInline = false, inPhonetic = false

    private enum Collecting { case none, value, inlineText }

    init(sharedStrings: [String], styles: WorkbookParts.StylesReader, date1904: Bool) {
        self.sharedStrings = sharedStrings
        self.styles = styles
        self.date1904 = date1904
    }

    /// Reads the next inflated bytes of the part; `onRow(row, cells)` for every row with
    /// a cell in it.
    mutating func feed(_ chunk: UnsafeRawBufferPointer, onRow: (Int, [Cell]) throws -> Void) throws {
        var scanner = self.scanner
        defer { self.scanner = scanner }
        try scanner.feed(chunk) { event in try handle(event, onRow: onRow) }
        try scanner.checkPending()
    }

    /// After the last chunk: whether the part ended where a part may.
    var isComplete: Bool { scanner.isComplete }

    private static func local(_ name: XMLScanner.Bytes) -> XMLScanner.Bytes {
        if let colon = name.lastIndex(of: UInt8(ascii: ":")) { return name[(colon + 1)...] }
        return name
    }

    private static func `is`(_ name: XMLScanner.Bytes, _ literal: StaticString) -> Bool {
        name.count == literal.utf8CodeUnitCount && name.elementsEqual(UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    private static func attribute(_ attributes: XMLScanner.Bytes, _ name: StaticString) throws -> String? {
        try XMLScanner.attribute(name, in: attributes)
    }

    private mutating func handle(_ event: XMLScanner.Event, onRow: (Int, [Cell]) throws -> Void) throws {
        switch event {
        case .start(let rawName, let attributes, let selfClosing):
            let name = Self.local(rawName)
            if Self.is(name, "c") {
                reference = try Self.attribute(attributes, "r").flatMap { CellReference($0) } ?? CellReference(row: row, column: nextColumn)
                type = try Self.attribute(attributes, "t") ?? "n"
                style = try Self.attribute(attributes, "s").flatMap { Int($0) } ?? 0
                hasFormula = false
                value = ""
                inline = ""
                if selfClosing { endCell() }
            } else if Self.is(name, "row") {
                // A sheet has at most 1,048,576 rows: a hostile `r` (or a row after
                // one numbered Int.max) is refused, never counted on from.
                let number = try Self.attribute(attributes, "r").map { Int($0) ?? 0 } ?? row + 1
                guard (1 ... CellReference.maxRow).contains(number) else {
                    throw XMLScanner.Malformed(reason: "a row numbered outside 1…\(CellReference.maxRow)")
                }
                row = number
                cells.removeAll(keepingCapacity: true)
                nextColumn = 0
                if selfClosing { try endRow(onRow) }
            } else if Self.is(name, "v") {
                collecting = selfClosing ? .none : .value
            } else if Self.is(name, "f") {
                hasFormula = true
            } else if Self.is(name, "is") {
                inInline = !selfClosing
            } else if Self.is(name, "rPh") {
                inPhonetic = !selfClosing
            } else if Self.is(name, "t") {
                collecting = inInline && !inPhonetic && !selfClosing ? .inlineText : .none
            } else if Self.is(name, "mergeCell"), let ref = try Self.attribute(attributes, "ref") {
                merged.append(ref)
            }
        case .end(let rawName):
            let name = Self.local(rawName)
            if Self.is(name, "v") || Self.is(name, "t") {
                collecting = .none
            } else if Self.is(name, "is") {
                inInline = false
            } else if Self.is(name, "rPh") {
                inPhonetic = false
            } else if Self.is(name, "c") {
                endCell()
            } else if Self.is(name, "row") {
                try endRow(onRow)
            }
        case .text(let bytes):
            switch collecting {
            case .value: value += try XMLScanner.decode(bytes)
            case .inlineText: inline += try XMLScanner.decode(bytes)
            case .none: break
            }
        case .cdata(let bytes):
            switch collecting {
            case .value: value += String(decoding: bytes, as: UTF8.self)
            case .inlineText: inline += String(decoding: bytes, as: UTF8.self)
            case .none: break
            }
        }
    }

    private mutating func endCell() {
        if let reference {
            if let v = cellValue() { cells.append(Cell(reference: reference, value: v)) }
            nextColumn = reference.column + 1
        }
        reference = nil
    }

    private mutating func endRow(_ onRow: (Int, [Cell]) throws -> Void) throws {
        if !cells.isEmpty { try onRow(row, cells) }
        cells.removeAll(keepingCapacity: true)
    }

    /// A stored value as an error may show it: a hostile cell may hold a megabyte.
    private static func shown(_ value: String) -> String {
        value.count > 40 ? String(value.prefix(40)) + "…(\(value.utf8.count) bytes)" : value
    }

    /// The cell's value; nil for an empty cell.
    private func cellValue() -> Value? {
        switch type {
        case "s":
            guard let index = Int(value), sharedStrings.indices.contains(index) else {
                return value.isEmpty ? nil : .unreadable("shared string \(Self.shown(value))")
            }
            return sharedStrings[index].isEmpty ? nil : .text(sharedStrings[index])
        case "inlineStr":
            return inline.isEmpty ? nil : .text(inline)
        case "str":
            if value.isEmpty { return hasFormula ? .unreadable("formula") : nil }
            return .text(value)
        case "b":
            return value.isEmpty ? nil : .bool(value == "1" || value.lowercased() == "true")
        case "e":
            return .error(value.isEmpty ? "#N/A" : value)
        case "d":
            return value.isEmpty ? nil : .date(value)
        default:
            if value.isEmpty { return hasFormula ? .unreadable("formula") : nil }
            if styles.isDate(style: style) {
                guard let date = ExcelDate.text(serial: value, date1904: date1904) else { return .unreadable("date \(Self.shown(value))") }
                return .date(date)
            }
            guard let number = ExcelNumber.text(value) else { return .unreadable("number \(Self.shown(value))") }
            return .number(number)
        }
    }
}
