import FieldsyncConfig
import FieldsyncModel
import FieldsyncProtocol
import FieldsyncRecords
import FieldsyncStore
import FieldsyncSystem
import Foundation
import Glibc
import Logging
import Synchronization

/// The one path from a dropped file to the store, used by `ingest`, `run` and (as a dry
/// run) `check` alike: stage, parse, validate, reconcile, commit; then archive, receipt,
/// removal (SPEC §4.2).
///
/// The order makes a kill at any instant safe: until the commit nothing counts and the
/// drop file is still there; after it, the ledger knows the file's sha256, so a rerun
/// finishes the file (archive, receipt, removal) without counting it again.
///
/// Every file is touched through descriptors (``DropDirectory``, ``StateDirectory``):
/// a drop directory belongs to the people who drop files in it, and no path through it
/// is ever resolved twice.
public final class Intake: Sendable {
    public let setup: Setup
    public let store: Store
    let logger: Logger
    let onChange: ChangeHook?
    /// Called right after a commit that changed records, before the files are answered:
    /// the courier can start scoring while the receipts are written.
    let afterChange: (@Sendable () -> Void)?
    /// The time a file is taken to arrive at (`closes_at` is compared with it).
    let clock: @Sendable () -> Timestamp
    let drops: [String: DropDirectory]
    let state = Mutex<StateDirectory?>(nil)

    public init(setup: Setup, store: Store, logger: Logger, onChange: ChangeHook? = nil,
                afterChange: (@Sendable () -> Void)? = nil,
                clock: @escaping @Sendable () -> Timestamp = Timestamp.now) {
        self.setup = setup
        self.store = store
        self.logger = logger
        self.onChange = onChange
        self.afterChange = afterChange
        self.clock = clock
        drops = Dictionary(uniqueKeysWithValues: setup.config.sources.map { ($0.name, DropDirectory(source: $0)) })
    }

    /// Opens `state_dir` (removing half-staged copies left by a process that was
    /// killed) and the drop directories, making those that are missing. Call once at
    /// start; a drop directory that cannot be opened is not an error here — its files
    /// wait and `status` says why.
    public func recover() throws {
        let directory = try StateDirectory(path: setup.config.stateDirectory)
        state.withLock { $0 = directory }
        for source in setup.config.sources {
            try? FileManager.default.createDirectory(atPath: source.path, withIntermediateDirectories: true,
                                                     attributes: [.posixPermissions: 0o770])
            _ = drops[source.name]?.open()
        }
        try finishAnswered()
    }

    /// Marks finished the accepted files whose drop file is gone: a kill came after
    /// the last step of their answer, removing the file, and before the ledger said so.
    /// (One still there is finished when it is processed again.)
    private func finishAnswered() throws {
        for entry in try store.writer.read(Ledger.unfinishedAccepted) {
            guard let source = setup.config.source(named: entry.source), let name = FileName(entry.name),
                  case .success(let handles)? = drops[source.name]?.open(),
                  try handles.drop.status(of: name) == nil else { continue }
            try store.writer.write { try Ledger.finish($0, file: entry.id, at: nil) }
        }
    }

    /// What is in `source`'s drop directory now (see ``DropDirectory/listing(reopening:)``).
    public func listing(of source: Source, reopening: Bool = false) -> DropListing {
        drops[source.name]?.listing(reopening: reopening) ?? DropListing()
    }

    /// What is in `source`'s drop directory, looked at only — nothing is made — and
    /// judged as the daemon's user `owner` would: for `status`, which may run as
    /// another user.
    public static func inspect(_ source: Source, asOwnedBy owner: uid_t) -> DropListing {
        DropDirectory(source: source, owner: owner, creating: false).listing()
    }

    /// `state_dir`, held open since ``recover()``: where the daemon keeps files of its own.
    public var stateDirectory: DirectoryHandle? {
        state.withLock { $0?.root }
    }

    /// What the entry `name` of `source`'s drop directory is, through the directory held.
    public func status(of name: FileName, in source: Source) -> FileStatus? {
        guard case .success(let handles)? = drops[source.name]?.open() else { return nil }
        return try? handles.drop.status(of: name)
    }

    /// Files waiting in a drop directory, oldest first.
    public func waiting(in source: Source) -> [WaitingFile] {
        listing(of: source).files
    }

    /// How long a file found by a scan must have been left unmodified before it is
    /// read (see ``WaitingFile/modifiedRecently(within:now:)``): the poll interval, and
    /// at least a second.
    public static func quietPeriod(pollInterval: Duration) -> Duration {
        max(pollInterval, .seconds(1))
    }

    /// Processes every file now in every drop directory once; one modified within
    /// `quietPeriod` is left for later (``FileOutcome/tooRecent(age:)``).
    @discardableResult
    public func ingestAll(quietPeriod: Duration = .zero) -> [(source: String, name: FileName, outcome: FileOutcome)] {
        var results: [(String, FileName, FileOutcome)] = []
        for source in setup.config.sources {
            let now = Timestamp.now()
            let files = waiting(in: source)
            let ready = files.filter { !$0.modifiedRecently(within: quietPeriod, now: now) }
            var outcomes = process(ready.map { (source, $0.name) })[...]
            for file in files {
                let outcome = file.modifiedRecently(within: quietPeriod, now: now)
                    ? .tooRecent(age: file.age(at: now)) : outcomes.removeFirst()
                results.append((source.name, file.name, outcome))
            }
        }
        return results
    }

    /// At most this many files are committed as one group (``process(_:groupBytes:between:)``):
    /// enough to share the fsyncs of a burst, few enough that its first receipts do not
    /// wait long.
    public static let groupSize = 64
    /// A group of at most this many files makes its staged copies and its receipts
    /// durable with an fsync each; a larger one with one sync of each file system.
    static let copiesSyncedOneByOne = 4
    /// A group closes once its staged files reach this many bytes (after the file that
    /// reaches it): a transaction, and the time between two watchdog pings, stay short
    /// whatever a burst holds.
    public static let groupBytes: Int64 = 16 << 20

    /// Processes one file of a drop directory.
    public func process(source: Source, name: FileName) -> FileOutcome {
        process([(source, name)])[0]
    }

    /// A file looked at and staged, or already answered (refused for its name, kind or
    /// links, or left: a temporary name, a directory, a file that vanished).
    enum Prepared {
        case answered(FileOutcome)
        case pending(Pending)
    }

    /// Looks at one file of a drop directory and copies it into `incoming/` (synced).
    func prepare(source: Source, name: FileName) -> Prepared {
        guard !DropName.isTemporary(name), name != DropName.receipts, name != DropName.rejected,
              let drop = drops[source.name] else { return .answered(.skipped) }
        let handles: DropDirectory.Handles
        switch drop.open() {
        case .success(let h): handles = h
        case .failure(let fault): return .answered(.unanswered(fault))
        }
        let receivedAt = clock()
        guard let status = try? handles.drop.status(of: name), status.kind != .directory else { return .answered(.skipped) }
        let dropped = Dropped(source: source, handles: handles, name: name, status: status, receivedAt: receivedAt)
        guard let text = DropName.text(name) else {
            return .answered(reject(dropped, staged: nil, problems: Problems([Intake.unfitName(name)])))
        }
        guard status.kind == .regular else {
            return .answered(reject(dropped, staged: nil, problems: Problems([Refusal.notRegular(status.kind).problem])))
        }
        guard status.linkCount == 1 else {
            return .answered(reject(dropped, staged: nil, problems: Problems([Refusal.hardLink(count: status.linkCount).problem])))
        }
        guard let format = RecordFormat(fileName: text) else {
            return .answered(reject(dropped, staged: nil, problems: Problems([RecordFormat.unsupported])))
        }
        guard let incoming = state.withLock({ $0?.incoming }) else {
            logger.error("intake used before recover(); the file stays for the next scan", metadata: ["source": "\(source.name)"])
            return .answered(.skipped)
        }
        do {
            let staged = try StagedFile.stage(name, from: handles.drop, into: incoming, maxSize: setup.config.intake.maxFileSize)
            return .pending(Pending(dropped: dropped, staged: staged, text: text, format: format, incoming: incoming))
        } catch where error.leavesFileForLater {
            if case .storeFailure(let why) = error {
                logger.error("cannot copy a drop file into the store; it stays for the next scan", metadata: [
                    "source": "\(source.name)", "file": "\(name)", "error": "\(why)",
                ])
            }
            return .answered(.skipped)
        } catch {
            return .answered(reject(dropped, staged: nil, problems: Problems([error.problem])))
        }
    }

    /// Validates a file as `source` would, reconciling against the store in a
    /// transaction that is always rolled back: nothing is stored (`fieldsync check`).
    public func check(path: String, source: Source) throws -> CheckVerdict {
        let parent = (path as NSString).deletingLastPathComponent
        guard let name = FileName((path as NSString).lastPathComponent), let text = DropName.text(name) else {
            return .wouldReject(Problems([Problem(.file, zh: "不是一个文件名", en: "not a file name")]))
        }
        guard let format = RecordFormat(fileName: text) else { return .wouldReject(Problems([RecordFormat.unsupported])) }
        let directory = try DirectoryHandle.open(path: parent.isEmpty ? "." : parent, followingLinks: true)
        let scratchPath = NSTemporaryDirectory() + "fieldsync-check-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: scratchPath, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(atPath: scratchPath) }
        let scratch = try DirectoryHandle.open(path: scratchPath)
        if let status = try directory.status(of: name), status.kind != .regular {
            return .wouldReject(Problems([Refusal.notRegular(status.kind).problem]))
        }
        let staged: StagedFile
        do {
            staged = try StagedFile.stage(name, from: directory, into: scratch, maxSize: setup.config.intake.maxFileSize)
        } catch {
            return .wouldReject(Problems([error.problem]))
        }
        if let entry = try store.writer.read({ try Ledger.accepted($0, sha256: staged.sha256, source: source.name) }) {
            return .duplicate(of: entry.name, source: entry.source, acceptedAt: entry.receivedAt)
        }
        switch try apply(source: source, staged: staged, text: text, format: format, receivedAt: clock(), dryRun: true) {
        case .success(let (_, counts, _)): return .wouldAccept(counts)
        case .failure(let problems): return .wouldReject(problems)
        }
    }

    /// A dropped file's name as people are shown it (``DropName/escaped(_:)``).
    public static func displayName(_ name: FileName) -> String {
        DropName.escaped(name)
    }

    /// The name of the errors file in `rejected/` of a file rejected as `name`.
    public static func errorsFileName(for name: FileName) -> String {
        "\(DropName.derived(DropName.setAside(name), suffix: ".errors.txt"))"
    }

    /// The one problem of a file whose name is not fit to be shown as it is.
    static func unfitName(_ name: FileName) -> Problem {
        let escaped = DropName.escaped(name)
        return Problem(.file, zh: "文件名不是有效的 UTF-8 文本或含有控制字符,已按原始字节转义为 \(escaped) 退回;请用正常的文件名重新报送",
                       en: "the file name is not valid UTF-8 or holds control characters; set aside as \(escaped) (its bytes escaped as %XX); drop it again under an ordinary name")
    }
}
