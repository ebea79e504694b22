/// What the libcurl callbacks of one transfer accumulate. Lives on the
/// transfer's thread only; the callbacks reach it through an `Unmanaged` box.
final class TransferContext {
    let bodyLimit: Int
    let cancellation: CancellationFlag
    private(set) var body: [UInt8] = []
    private(set) var bodyTruncated = false
    private(set) var headers: [(name: String, value: String)] = []

    init(bodyLimit: Int, cancellation: CancellationFlag) {
        self.bodyLimit = bodyLimit
        self.cancellation = cancellation
    }

    /// Keeps body bytes up to the limit; past it, returns a short count so
    /// libcurl aborts the transfer with `CURLE_WRITE_ERROR`.
    func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        let room = bodyLimit - body.count
        if bytes.count > room {
            body.append(contentsOf: bytes.prefix(room))
            bodyTruncated = true
            return 0
        }
        body.append(contentsOf: bytes)
        return bytes.count
    }

    /// Collects one header line as libcurl delivers it (status line, fields,
    /// blank line). A new status line starts a new response, so interim `1xx`
    /// responses leave only the final response's fields.
    func receiveHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        var line = String(decoding: bytes, as: UTF8.self)
        while let last = line.unicodeScalars.last, last == "\r" || last == "\n" {
            line.unicodeScalars.removeLast()
        }
        if line.isEmpty { return }
        if line.hasPrefix("HTTP/") {
            headers.removeAll()
            return
        }
        if line.first == " " || line.first == "\t" {
            // obs-fold: a continuation of the previous field's value.
            if let lastIndex = headers.indices.last {
                headers[lastIndex].value += " " + line.trimmingASCIIWhitespace()
            }
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = String(line[..<colon]).trimmingASCIIWhitespace()
        let value = String(line[line.index(after: colon)...]).trimmingASCIIWhitespace()
        headers.append((name: name, value: value))
    }
}
