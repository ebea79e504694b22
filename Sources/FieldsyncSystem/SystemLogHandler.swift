import Foundation
import Glibc
import Logging

/// A swift-log handler that writes one line per message to standard error, in the form
/// journald wants when stderr goes to the journal, and a self-describing form otherwise.
///
/// Under systemd (`StandardError=journal`, the default) systemd sets `JOURNAL_STREAM` to
/// the `device:inode` of the stream it connected; when that matches stderr, each line is
/// `<N>label: message key=value …`, where `<N>` is the syslog priority journald turns
/// into the entry's `PRIORITY=` (so `journalctl -p warning` works) and there is no
/// timestamp, because journald stamps every entry itself. Anywhere else (a terminal, a
/// file, `fieldsync ingest` from cron) each line is
/// `2026-11-27T12:00:00.123+08:00 info label: message key=value …`, in local time.
///
/// Each line goes out in one `write(2)`, so lines from concurrent tasks never interleave
/// (pipes guarantee that up to `PIPE_BUF`, and journald reads line by line). A line
/// break inside a message or value is written as `\n` so one message stays one entry.
public struct SystemLogHandler: LogHandler {
    /// How lines are laid out.
    public enum Format: Sendable, Equatable {
        /// `<N>label: message key=value`: stderr is connected to journald.
        case journal
        /// `TIMESTAMP level label: message key=value`: anywhere else.
        case plain
    }

    /// The logger's label, e.g. `fieldsync.intake`.
    public let label: String
    /// The layout in use.
    public let format: Format
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?

    private let writer: @Sendable (String) -> Void

    /// A handler for standard error, choosing the format from `environment` and the
    /// actual stderr descriptor (see ``detectFormat(environment:fileDescriptor:)``).
    public init(
        label: String,
        logLevel: Logger.Level = .info,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        metadataProvider: Logger.MetadataProvider? = nil
    ) {
        self.init(
            label: label,
            format: SystemLogHandler.detectFormat(environment: environment),
            logLevel: logLevel,
            metadataProvider: metadataProvider,
            writer: SystemLogHandler.writeToStandardError
        )
    }

    /// A handler with an explicit format and line sink. `writer` receives each complete
    /// line, newline included, once per message; tests use it to capture output.
    public init(
        label: String,
        format: Format,
        logLevel: Logger.Level = .info,
        metadataProvider: Logger.MetadataProvider? = nil,
        writer: @escaping @Sendable (String) -> Void
    ) {
        self.label = label
        self.format = format
        self.logLevel = logLevel
        self.metadataProvider = metadataProvider
        self.writer = writer
    }

    /// Makes every `Logger` in the process use this handler. Call once, early in main
    /// (swift-log allows only one bootstrap per process).
    public static func bootstrap(
        logLevel: Logger.Level = .info,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        metadataProvider: Logger.MetadataProvider? = nil
    ) {
        let format = detectFormat(environment: environment)
        LoggingSystem.bootstrap(
            { label, provider in
                SystemLogHandler(
                    label: label, format: format, logLevel: logLevel,
                    metadataProvider: provider, writer: writeToStandardError
                )
            },
            metadataProvider: metadataProvider
        )
    }

    /// ``Format/journal`` when `JOURNAL_STREAM` is set and names the stream that
    /// `fileDescriptor` (stderr by default) is: it is inherited by child processes and
    /// survives `2>file`, so the variable alone does not prove stderr is the journal.
    public static func detectFormat(
        environment: [String: String],
        fileDescriptor: Int32 = STDERR_FILENO
    ) -> Format {
        guard let value = environment["JOURNAL_STREAM"], !value.isEmpty else { return .plain }
        let parts = value.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else {
            return .plain
        }
        var info = stat()
        guard fstat(fileDescriptor, &info) == 0 else { return .plain }
        return UInt64(info.st_dev) == device && UInt64(info.st_ino) == inode ? .journal : .plain
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() {
            merged.merge(provided) { _, new in new }
        }
        if let explicit = event.metadata {
            merged.merge(explicit) { _, new in new }
        }
        if let error = event.error {
            merged["error"] = .string(String(describing: error))
        }
        writer(line(level: event.level, message: event.message.description, metadata: merged, date: Date()))
    }

    /// One complete line, newline included. Metadata is sorted by key so lines are
    /// stable and greppable.
    func line(level: Logger.Level, message: String, metadata: Logger.Metadata, date: Date) -> String {
        var text: String
        switch format {
        case .journal:
            text = "<\(SystemLogHandler.syslogPriority(level))>"
        case .plain:
            text = "\(SystemLogHandler.timestamp(date)) \(level) "
        }
        text += label
        text += ": "
        text += SystemLogHandler.escapeLineBreaks(message)
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            text += " \(key)=\(SystemLogHandler.render(value))"
        }
        text += "\n"
        return text
    }

    /// syslog(3) priorities: journald maps `<N>` to the entry's `PRIORITY=N`.
    static func syslogPriority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// ISO 8601 local time with milliseconds and offset, e.g.
    /// `2026-11-27T12:00:00.123+08:00`.
    static func timestamp(_ date: Date) -> String {
        let interval = date.timeIntervalSince1970
        var seconds = time_t(interval.rounded(.down))
        let milliseconds = min(999, Int((interval - Double(seconds)) * 1000))
        var parts = tm()
        localtime_r(&seconds, &parts)
        let offset = Int(parts.tm_gmtoff)
        let sign = offset < 0 ? "-" : "+"
        func pad(_ value: Int, _ width: Int = 2) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(Int(parts.tm_year) + 1900, 4))-\(pad(Int(parts.tm_mon) + 1))-\(pad(Int(parts.tm_mday)))"
            + "T\(pad(Int(parts.tm_hour))):\(pad(Int(parts.tm_min))):\(pad(Int(parts.tm_sec))).\(pad(milliseconds, 3))"
            + "\(sign)\(pad(abs(offset) / 3600)):\(pad(abs(offset) % 3600 / 60))"
    }

    /// `key=value`; a value with spaces, quotes, `=`, line breaks or nothing at all is
    /// quoted (with `\\`, `\"`, `\n` escapes) so the pairs stay parseable.
    static func render(_ value: Logger.Metadata.Value) -> String {
        let text: String
        switch value {
        case .string(let string): text = string
        case .stringConvertible(let convertible): text = convertible.description
        case .array(let array): text = "[" + array.map(render).joined(separator: ", ") + "]"
        case .dictionary(let dictionary):
            text = "[" + dictionary.sorted(by: { $0.key < $1.key })
                .map { "\($0.key): \(render($0.value))" }.joined(separator: ", ") + "]"
        }
        let special: Set<Character> = [" ", "\"", "=", "\t", "\n", "\r", "\r\n"]
        guard text.isEmpty || text.contains(where: special.contains) else { return text }
        let escaped = text.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "\"", with: "\\\"")
        return "\"" + escapeLineBreaks(escaped) + "\""
    }

    static func escapeLineBreaks(_ text: String) -> String {
        guard text.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return text }
        return text.replacingOccurrences(of: "\r\n", with: "\\n")
            .replacingOccurrences(of: "\n", with: "\\n")
            .replacingOccurrences(of: "\r", with: "\\r")
    }

    /// The default sink: the whole line in one `write(2)` to fd 2, resumed only if the
    /// kernel took part of it (a line beyond the pipe's atomic size).
    @Sendable static func writeToStandardError(_ line: String) {
        let bytes = Array(line.utf8)
        // Nowhere left to report a failure to log.
        bytes.withUnsafeBytes { buffer in try? SystemCall.writeAll(STDERR_FILENO, buffer, "stderr") }
    }
}
