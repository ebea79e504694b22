import FieldsyncProtocol
import FieldsyncSystem
import Foundation
import Glibc

/// `state_dir/writers.json`: the files the running daemon leaves alone because a
/// writer still has them open (``FilesBeingWritten``), as `fieldsync status` shows them.
public struct WritersReport: Sendable, Equatable {
    public struct File: Sendable, Equatable {
        public var source: String
        /// The name as text (escaped when it is not fit to show).
        public var name: String
        /// When the daemon first saw it being written.
        public var since: Timestamp
    }

    static let fileName = FileName("writers.json")!

    /// The daemon that wrote the report.
    public var pid: Int32
    public var updatedAt: Timestamp
    /// The oldest ones, at most ``FilesBeingWritten/publishedLimit``.
    public var files: [File]
    /// How many more files are being written than are listed.
    public var more: Int

    init(pid: Int32, updatedAt: Timestamp, files: [File], more: Int) {
        self.pid = pid
        self.updatedAt = updatedAt
        self.files = files.sorted { ($0.since, $0.source, $0.name) < ($1.since, $1.source, $1.name) }
        self.more = more
    }

    var json: JSONValue {
        .object([
            ("pid", .number(Int(pid))),
            ("updated_at", .string(updatedAt.iso8601)),
            ("files", .array(files.map { f in
                .object([("source", .string(f.source)), ("name", .string(f.name)), ("since", .string(f.since.iso8601))])
            })),
            ("more", .number(more)),
        ])
    }

    /// The report in `stateDirectory`, if a daemon that is still running wrote it.
    public static func current(stateDirectory: String) -> WritersReport? {
        guard let directory = try? DirectoryHandle.open(path: stateDirectory),
              let file = try? directory.openForReading(fileName),
              let status = try? file.status(), status.kind == .regular, status.size < 1 << 20 else { return nil }
        var bytes = [UInt8](repeating: 0, count: Int(status.size))
        let count = (try? bytes.withUnsafeMutableBytes { try file.read(into: $0, at: 0) }) ?? 0
        var parser = JSONParser(Array(bytes.prefix(count)))
        guard let value = try? parser.parseValue(), case .number(let pidText)? = value["pid"],
              let pid = Int32(pidText), case .string(let updated)? = value["updated_at"],
              let updatedAt = Timestamp.parse(updated, zone: .gmt), case .array(let items)? = value["files"] else { return nil }
        // kill(pid, 0): ESRCH when no such process; EPERM means it runs as another user.
        guard kill(pid, 0) == 0 || errno == EPERM else { return nil }
        let files = items.compactMap { item -> File? in
            guard case .string(let source)? = item["source"], case .string(let name)? = item["name"],
                  case .string(let since)? = item["since"], let at = Timestamp.parse(since, zone: .gmt) else { return nil }
            return File(source: source, name: name, since: at)
        }
        let more: Int = if case .number(let text)? = value["more"] { Int(text) ?? 0 } else { 0 }
        return WritersReport(pid: pid, updatedAt: updatedAt, files: files, more: more)
    }
}
