import CCurlShim

/// `curl_global_init` result. A global `let` is initialised lazily and exactly
/// once, thread-safely, which is what libcurl asks of its global init.
private let globalInitCode: CURLcode = curl_global_init(fs_curl_global_default())

/// One blocking libcurl transfer: configures an easy handle from an
/// ``HTTPRequest``, performs it and collects the response.
enum Transfer {
    static func run(_ request: HTTPRequest, cancellation: CancellationFlag) -> Result<HTTPResponse, CurlError> {
        guard globalInitCode == CURLE_OK else {
            return .failure(CurlError(globalInitCode, detail: "curl_global_init failed"))
        }
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(fs_curl_error_size()))
        errorBuffer.initialize(repeating: 0, count: Int(fs_curl_error_size()))
        defer { errorBuffer.deallocate() }

        // libcurl does not copy POSTFIELDS: the body must outlive the transfer.
        // Never hand it a null pointer either, or it would read the body from stdin.
        let body = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, request.body.count), alignment: 1)
        defer { body.deallocate() }
        request.body.withUnsafeBytes { body.copyMemory(from: $0) }

        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }

        let context = TransferContext(bodyLimit: max(0, request.maxResponseBodyBytes), cancellation: cancellation)
        let contextPointer = Unmanaged.passRetained(context)
        defer { contextPointer.release() }

        guard let handle = curl_easy_init() else {
            return .failure(CurlError(CURLE_FAILED_INIT))
        }
        // Declared last so it runs first: the handle goes before what it points to.
        defer { curl_easy_cleanup(handle) }
        let easy = EasyHandle(handle: handle)

        do throws(CurlError) {
            headerList = try buildHeaderList(request)
            try easy.set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(errorBuffer))
            try easy.set(CURLOPT_URL, request.url)
            try easy.set(CURLOPT_PROTOCOLS_STR, "http,https")
            try easy.set(CURLOPT_NOSIGNAL, 1)
            try easy.set(CURLOPT_FOLLOWLOCATION, 0)
            try easy.set(CURLOPT_HTTP09_ALLOWED, 0)
            try easy.set(CURLOPT_SSL_VERIFYPEER, 1)
            try easy.set(CURLOPT_SSL_VERIFYHOST, 2)
            if let caFile = request.caFile {
                try easy.set(CURLOPT_CAINFO, caFile)
                try easy.set(CURLOPT_CAPATH, nil)
            }
            if let certificate = request.clientCertificate {
                try easy.set(CURLOPT_SSLCERT, certificate)
            }
            if let key = request.clientKey {
                try easy.set(CURLOPT_SSLKEY, key)
            }
            try easy.set(CURLOPT_CONNECTTIMEOUT_MS, milliseconds(request.connectTimeout))
            try easy.set(CURLOPT_TIMEOUT_MS, milliseconds(request.totalTimeout))

            let userdata = contextPointer.toOpaque()
            try easy.check(fs_curl_setopt_write_callback(handle, writeCallback))
            try easy.set(CURLOPT_WRITEDATA, pointer: userdata)
            try easy.check(fs_curl_setopt_header_callback(handle, headerCallback))
            try easy.set(CURLOPT_HEADERDATA, pointer: userdata)
            try easy.check(fs_curl_setopt_xferinfo_callback(handle, progressCallback))
            try easy.set(CURLOPT_XFERINFODATA, pointer: userdata)
            try easy.set(CURLOPT_NOPROGRESS, 0)

            switch request.method {
            case "GET":
                try easy.set(CURLOPT_HTTPGET, 1)
            case "HEAD":
                try easy.set(CURLOPT_NOBODY, 1)
            default:
                if request.method != "POST" {
                    try easy.set(CURLOPT_CUSTOMREQUEST, request.method)
                }
                try easy.set(CURLOPT_POST, 1)
                try easy.check(fs_curl_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count)))
                try easy.set(CURLOPT_POSTFIELDS, pointer: body.baseAddress)
            }
            try easy.check(fs_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList))
        } catch {
            return .failure(error)
        }

        let code = curl_easy_perform(handle)
        let truncated = code == CURLE_WRITE_ERROR && context.bodyTruncated
        guard code == CURLE_OK || truncated else {
            if code == CURLE_ABORTED_BY_CALLBACK, cancellation.isCancelled {
                return .failure(CurlError(code, detail: "cancelled"))
            }
            return .failure(CurlError(code, detail: String(cString: errorBuffer)))
        }
        var status = 0
        _ = fs_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return .success(HTTPResponse(
            status: status,
            headers: context.headers,
            body: context.body,
            bodyTruncated: truncated
        ))
    }

    /// Builds the `CURLOPT_HTTPHEADER` list, refusing header injection.
    private static func buildHeaderList(_ request: HTTPRequest) throws(CurlError) -> UnsafeMutablePointer<curl_slist>? {
        guard isToken(request.method) else {
            throw CurlError.invalidRequest("invalid method \(String(reflecting: request.method))")
        }
        var lines: [String] = []
        for (name, value) in request.headers {
            guard isToken(name) else {
                throw CurlError.invalidRequest("invalid header name \(String(reflecting: name))")
            }
            guard !value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) else {
                throw CurlError.invalidRequest("invalid value for header \(name)")
            }
            // "Name:" would tell libcurl to drop the header; "Name;" sends it empty.
            lines.append(value.isEmpty ? "\(name);" : "\(name): \(value)")
        }
        let names = request.headers.map(\.name)
        if !names.contains(where: { asciiCaseInsensitiveEqual($0, "Expect") }) {
            lines.append("Expect:")
        }
        if !names.contains(where: { asciiCaseInsensitiveEqual($0, "Content-Type") }) {
            lines.append("Content-Type:")
        }
        var list: UnsafeMutablePointer<curl_slist>?
        for line in lines {
            guard let extended = curl_slist_append(list, line) else {
                curl_slist_free_all(list)
                throw CurlError(CURLE_OUT_OF_MEMORY)
            }
            list = extended
        }
        return list
    }

    /// An RFC 9110 token: what a method or field name may be made of.
    private static func isToken(_ string: String) -> Bool {
        !string.isEmpty && string.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"):
                return true
            default:
                return "!#$%&'*+-.^_`|~".utf8.contains(byte)
            }
        }
    }

    /// A positive millisecond count; libcurl reads 0 as "no limit".
    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        if overflow { return seconds > 0 ? Int.max : 1 }
        let (total, overflow2) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000_000_000)
        if overflow2 { return Int.max }
        return Int(max(1, total))
    }
}

/// A `CURL *` with typed, checked setters.
private struct EasyHandle {
    let handle: UnsafeMutableRawPointer

    func check(_ code: CURLcode) throws(CurlError) {
        guard code == CURLE_OK else { throw CurlError(code) }
    }

    func set(_ option: CURLoption, _ value: Int) throws(CurlError) {
        try check(fs_curl_setopt_long(handle, option, value))
    }

    /// libcurl copies string options, so the C string need only live for the call.
    func set(_ option: CURLoption, _ value: String?) throws(CurlError) {
        if let value {
            try check(value.withCString { fs_curl_setopt_string(handle, option, $0) })
        } else {
            try check(fs_curl_setopt_string(handle, option, nil))
        }
    }

    func set(_ option: CURLoption, pointer: UnsafeMutableRawPointer?) throws(CurlError) {
        try check(fs_curl_setopt_ptr(handle, option, pointer))
    }
}

extension CurlError {
    static func invalidRequest(_ detail: String) -> CurlError {
        CurlError(CURLE_BAD_FUNCTION_ARGUMENT, detail: detail)
    }
}

// MARK: - Callbacks (C function pointers; context arrives as the Unmanaged box)

private let writeCallback: fs_curl_data_callback = { buffer, size, count, userdata in
    guard let userdata else { return 0 }
    let context = Unmanaged<TransferContext>.fromOpaque(userdata).takeUnretainedValue()
    return context.receiveBody(UnsafeRawBufferPointer(start: buffer, count: size * count))
}

private let headerCallback: fs_curl_data_callback = { buffer, size, count, userdata in
    guard let userdata else { return 0 }
    let context = Unmanaged<TransferContext>.fromOpaque(userdata).takeUnretainedValue()
    context.receiveHeaderLine(UnsafeRawBufferPointer(start: buffer, count: size * count))
    return size * count
}

private let progressCallback: fs_curl_xferinfo_callback = { userdata, _, _, _, _ in
    guard let userdata else { return 0 }
    let context = Unmanaged<TransferContext>.fromOpaque(userdata).takeUnretainedValue()
    return context.cancellation.isCancelled ? 1 : 0
}
