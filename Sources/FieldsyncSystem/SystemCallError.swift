import Glibc

/// A failed system call: which call, on what, and the `errno` it left.
///
/// Everything in this module talks to the kernel directly, so every failure is one of
/// these. `description` is one sentence an operator can act on (it reads like
/// `inotify_add_watch(/var/spool/x): No such file or directory`), because the daemon
/// prints errors as one clear sentence, never a stack trace.
public struct SystemCallError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The system call that failed, e.g. `"sendto"`.
    public let call: String
    /// What it was called on (a path, a socket address), or empty.
    public let subject: String
    /// The `errno` value the call left.
    public let errno: Int32

    /// Captures the current `errno` unless one is given; create it right after the call.
    public init(_ call: String, subject: String = "", errno: Int32 = Glibc.errno) {
        self.call = call
        self.subject = subject
        self.errno = errno
    }

    public var description: String {
        let reason = String(cString: strerror(errno))
        return subject.isEmpty ? "\(call): \(reason)" : "\(call)(\(subject)): \(reason)"
    }
}
