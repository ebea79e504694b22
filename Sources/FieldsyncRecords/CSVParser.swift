/// A streaming RFC 4180 reader over UTF-8 bytes: quoted fields with doubled quotes,
/// line breaks inside quotes, CRLF, LF or CR line ends. It is fed chunks and emits
/// whole rows, so a file of any size is read in constant memory.
///
/// Hand-written rather than CSV.swift or SwiftCSV: those read Unicode scalars one at a
/// time (or the whole file), and intake must keep up with `sqlite3 .import` on large
/// inspector exports (see the benchmark in README.md); this works on bytes, and
/// tracks the line number of every row for error messages.
public struct CSVParser {
    private enum State { case fieldStart, unquoted, quoted, quoteInQuoted, afterCR }

    private var state = State.fieldStart
    private var field: [UInt8] = []
    private var fields: [String] = []
    private var line = 1
    private var rowLine = 1
    private var rowHasContent = false
    /// Fields kept per row; non-empty ones beyond are only counted.
    private let maxFields: Int
    private var dropped = 0

    /// `maxFields`: fields kept of one row. Beyond it, fields are not kept and those
    /// with content are counted (``CSVRow/droppedFields``): a line of a million
    /// commas costs no memory, and Excel's trailing empty columns cost nothing.
    public init(maxFields: Int = .max) {
        self.maxFields = maxFields
        field.reserveCapacity(256)
    }

    /// The line a quoted field that never closed started on, when `finish` fails.
    public struct UnterminatedQuote: Error, Sendable { public var line: Int }

    public mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>, emit: (CSVRow) throws -> Void) rethrows {
        var i = 0
        let n = chunk.count
        while i < n {
            let b = chunk[i]
            switch state {
            case .afterCR:
                state = .fieldStart
                if b == 0x0A { i += 1; rowLine = line; continue }  // the LF of a CRLF
                rowLine = line
                continue  // reprocess b as the start of the next row
            case .fieldStart:
                if b == 0x22 { state = .quoted; rowHasContent = true }
                else if b == 0x2C { endField(); rowHasContent = true }
                else if b == 0x0A { try endRow(emit); line += 1; rowLine = line }
                else if b == 0x0D { try endRow(emit); line += 1; state = .afterCR }
                else { state = .unquoted; rowHasContent = true; continue }  // b begins the field
            case .unquoted:
                // Fast path: a run of ordinary bytes at once.
                var j = i
                while j < n {
                    let c = chunk[j]
                    if c == 0x2C || c == 0x0A || c == 0x0D { break }
                    j += 1
                }
                guard j < n else {
                    field.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[i..<j]))
                    i = j
                    continue
                }
                // The field ends here: made straight from the chunk when it began in it.
                if field.isEmpty {
                    endField(UnsafeBufferPointer(rebasing: chunk[i..<j]))
                } else {
                    field.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[i..<j]))
                    endField()
                }
                i = j
                let c = chunk[i]
                if c == 0x2C { state = .fieldStart }
                else if c == 0x0A { try endRow(emit); line += 1; rowLine = line; state = .fieldStart }
                else { try endRow(emit); line += 1; state = .afterCR }
            case .quoted:
                var j = i
                while j < n, chunk[j] != 0x22 {
                    if chunk[j] == 0x0A { line += 1 }
                    j += 1
                }
                if j > i { field.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[i..<j])) }
                i = j
                if i < n { state = .quoteInQuoted }
            case .quoteInQuoted:
                if b == 0x22 { field.append(0x22); state = .quoted }
                else if b == 0x2C { endField(); state = .fieldStart }
                else if b == 0x0A { endField(); try endRow(emit); line += 1; rowLine = line; state = .fieldStart }
                else if b == 0x0D { endField(); try endRow(emit); line += 1; state = .afterCR }
                else { field.append(b); state = .unquoted }  // lenient: "ab"c reads as abc
            }
            i += 1
        }
    }

    /// Ends the input: emits a last row without a line break, or fails if a quoted
    /// field is still open.
    public mutating func finish(emit: (CSVRow) throws -> Void) throws {
        switch state {
        case .quoted:
            throw UnterminatedQuote(line: rowLine)
        case .unquoted, .quoteInQuoted:
            endField()
            try endRow(emit)
        case .fieldStart:
            if !fields.isEmpty || rowHasContent {
                endField()
                try endRow(emit)
            }
        case .afterCR:
            break
        }
        state = .fieldStart
    }

    private mutating func endField() {
        if fields.count < maxFields {
            fields.append(String(decoding: field, as: UTF8.self))
        } else if !field.isEmpty {
            dropped += 1
        }
        field.removeAll(keepingCapacity: true)
    }

    /// Ends a field read whole from the chunk (`field` is empty).
    private mutating func endField(_ bytes: UnsafeBufferPointer<UInt8>) {
        if fields.count < maxFields {
            fields.append(String(decoding: bytes, as: UTF8.self))
        } else if !bytes.isEmpty {
            dropped += 1
        }
    }

    private mutating func endRow(_ emit: (CSVRow) throws -> Void) rethrows {
        if state == .fieldStart, rowHasContent || !fields.isEmpty { endField() }
        if fields.isEmpty && !rowHasContent {
            return  // an empty line
        }
        rowHasContent = false
        // Emptied after the row is handled, not before: the array is then ours alone
        // again and keeps its storage, instead of one allocation per row.
        defer {
            fields.removeAll(keepingCapacity: true)
            dropped = 0
        }
        try emit(CSVRow(fields: fields, line: rowLine, droppedFields: dropped))
    }
}
