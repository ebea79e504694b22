import Foundation

/// Classifies answers and spaces retries: exponential backoff with full jitter, from
/// 1 s up to `max_backoff`, honouring `Retry-After`.
public struct RetryPolicy: Sendable {
    public var maxBackoff: Duration
    /// The longest wait between tries while anything is undelivered (`push.interval`).
    public var interval: Duration

    public init(maxBackoff: Duration, interval: Duration) {
        self.maxBackoff = maxBackoff
        self.interval = interval
    }

    public static func verdict(status: Int, retryAfter: String?, now: Date = Date()) -> Verdict {
        switch status {
        case 200..<300, 409: .delivered
        case 408, 429, 500..<600: .retry(after: retryAfter.flatMap { parseRetryAfter($0, now: now) })
        default: .dead
        }
    }

    /// The wait before try number `failures + 1` after `failures` failed tries in a row:
    /// uniform between 1 s and min(max_backoff, 1 s × 2^(failures−1)), never longer than
    /// `interval`; a server's `Retry-After` wins when it asks for longer, up to the same
    /// cap — whatever a server (or anything on the way) answers, the daemon tries again
    /// within `min(max_backoff, interval)`.
    public func delay(failures: Int, retryAfter: Duration? = nil,
                      random: (ClosedRange<Double>) -> Double = { Double.random(in: $0) }) -> Duration {
        let cap = min(maxBackoff, interval)
        // 2^(failures−1) seconds, without ever computing a power that overflows.
        let growth = failures > 40 ? cap.seconds : pow(2, Double(max(0, failures - 1)))
        let capSeconds = min(cap.seconds, growth)
        let jittered = Duration.milliseconds(Int64(random(1...max(1, capSeconds)) * 1000))
        if let retryAfter, retryAfter > jittered { return min(retryAfter, max(cap, .seconds(1))) }
        return jittered
    }

    /// `Retry-After` as seconds (`120`) or an HTTP-date (`Wed, 21 Oct 2026 07:28:00 GMT`).
    public static func parseRetryAfter(_ value: String, now: Date = Date()) -> Duration? {
        let text = value.trimmingCharacters(in: .whitespaces)
        // Digits only (an HTTP delay-seconds); a value too large for an Int is "very long"
        // and ends up capped by `delay` like any other.
        if !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            return .seconds(Int64(text) ?? Int64(Int32.max))
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) {
                // Within a year: a date centuries ahead must not overflow the milliseconds.
                return .milliseconds(Int64(min(max(0, date.timeIntervalSince(now)), 366 * 86_400) * 1000))
            }
        }
        return nil
    }
}

extension Duration {
    /// The duration in seconds, for arithmetic on delays (not on scores).
    var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
}
