import CCurlShim
import Foundation

/// Performs HTTP requests with libcurl.
///
/// Every transfer uses a fresh easy handle and runs the blocking
/// `curl_easy_perform` on a thread of its own, never on Swift's cooperative
/// pool: a server that accepts and then hangs holds one parked thread until the
/// request's ``HTTPRequest/totalTimeout``, while every other task keeps running.
/// Cancelling the calling task aborts the transfer within about a second
/// (libcurl's progress-callback cadence) with ``CurlError/Kind/cancelled``.
public enum CurlClient {
    /// Sends `request` and returns whatever HTTP response came back, whatever its
    /// status; throws only when no response was obtained (or the task was
    /// cancelled).
    public static func perform(_ request: HTTPRequest) async throws(CurlError) -> HTTPResponse {
        let cancellation = CancellationFlag()
        let result: Result<HTTPResponse, CurlError> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if Task.isCancelled {
                    continuation.resume(returning: .failure(.cancelledBeforeStart))
                    return
                }
                let thread = Thread {
                    continuation.resume(returning: Transfer.run(request, cancellation: cancellation))
                }
                thread.name = "fieldsync-curl"
                thread.start()
            }
        } onCancel: {
            cancellation.cancel()
        }
        return try result.get()
    }
}

extension CurlError {
    static let cancelledBeforeStart = CurlError(
        code: Int32(bitPattern: CURLE_ABORTED_BY_CALLBACK.rawValue),
        message: "cancelled before the transfer started",
        kind: .cancelled
    )
}
