import Glibc

/// The one place where a system call's result becomes Swift: every call is retried
/// while it fails with `EINTR`, and any other failure becomes a ``SystemCallError``
/// naming the call and what it was made on.
///
/// Modelled on swift-nio's `NIOPosix/System.swift`: callers never write an errno loop
/// of their own, so an interrupted call can never be mistaken for a failed one.
public enum SystemCall {
    /// Runs `body` until it returns something other than -1 with `errno == EINTR`.
    /// - Throws: ``SystemCallError`` with the `errno` of the failure.
    @inline(__always)
    public static func retrying<Result: BinaryInteger>(
        _ call: StaticString, _ subject: @autoclosure () -> String = "", _ body: () -> Result
    ) throws(SystemCallError) -> Result {
        while true {
            let result = body()
            if result != -1 { return result }
            let code = errno
            if code == EINTR { continue }
            throw SystemCallError("\(call)", subject: subject(), errno: code)
        }
    }

    /// Writes every byte of `bytes` to `fd`, through short writes and interruptions.
    public static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, _ subject: @autoclosure () -> String) throws(SystemCallError) {
        var offset = 0
        while offset < bytes.count {
            offset += try retrying("write", subject()) { write(fd, bytes.baseAddress! + offset, bytes.count - offset) }
        }
    }

    /// `close(2)`, whose failure is not worth an error: on Linux the descriptor is gone
    /// whatever it returns, and retrying on `EINTR` could close someone else's.
    public static func close(_ fd: Int32) {
        _ = Glibc.close(fd)
    }
}
