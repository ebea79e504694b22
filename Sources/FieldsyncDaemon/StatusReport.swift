import FieldsyncConfig
import FieldsyncDelivery
import FieldsyncIntake
import FieldsyncProtocol
import FieldsyncStore
import Foundation
import Glibc

/// `fieldsync status`: what an operator asks first — is every office's drop directory
/// being worked through, what was refused and why, and has central got the scores.
/// Read from the store in one snapshot and from the drop directories; safe while the
/// daemon runs.
public struct StatusReport: Sendable {
    public struct SourceStatus: Sendable {
        public var name: String
        public var role: String
        public var accepted: Int
        public var rejected: Int
        public var waiting: Int
        public var recordsInForce: Int
        public var oldestWaitingAge: Duration?
        public var lastFile: String?
        public var lastFileAt: Timestamp?
        public var lastError: String?
        /// Why the source's files cannot be answered (its answer channel is broken).
        public var fault: DropDirectoryFault?
        /// Directories dropped in beside the files: never read.
        public var directories: [String]
        /// Files under a temporary name, never read, and the age of the oldest.
        public var temporaries: Int
        public var oldestTemporaryAge: Duration?
        /// Files the running daemon leaves alone because their writer has them open,
        /// with how long it has been so.
        public var beingWritten: [(name: String, age: Duration)]
    }

    public var sources: [SourceStatus]
    public var periods: [OutboxPeriodStatus]
    public var pushURL: String?
    /// The zone the text shows times in (the office's); the JSON keeps UTC.
    public var zone: TimeZone = .gmt

    /// What each source's drop directory holds, by source name: looked at as the daemon's
    /// user would see it (the owner of the state directory), and never made — `status`
    /// and `metrics` may run as root or as an operator, and must not create what the
    /// daemon owns.
    public static func listings(_ config: Config) -> [String: DropListing] {
        var stateStatus = stat()
        let daemonUser = lstat(config.stateDirectory, &stateStatus) == 0 ? stateStatus.st_uid : geteuid()
        var listings: [String: DropListing] = [:]
        for source in config.sources {
            listings[source.name] = Intake.inspect(source, asOwnedBy: daemonUser)
        }
        return listings
    }

    /// What `config`'s drop directories hold and `store` says of them and of delivery.
    public static func gather(config: Config, store: Store, zone: TimeZone = .gmt) throws -> StatusReport {
        let now = Timestamp.now()
        // The drop directories are listed before the store is read, not inside its snapshot.
        let listings = Self.listings(config)
        let writers = WritersReport.current(stateDirectory: config.stateDirectory)
        return try store.writer.read { db in
            var sources: [SourceStatus] = []
            for source in config.sources {
                let ledger = try Ledger.summary(db, source: source.name)
                let records = try Revisions.inForceCount(db, source: source.name)
                let listing = listings[source.name] ?? DropListing()
                let waiting = listing.files
                let oldest = waiting.first.map { max(.zero, $0.age(at: now)) }
                let beingWritten = (writers?.files ?? []).filter { $0.source == source.name }.map {
                    (name: $0.name, age: Duration.microseconds(max(0, now.microseconds - $0.since.microseconds)))
                }
                sources.append(SourceStatus(
                    name: source.name, role: source.role.rawValue,
                    accepted: (ledger.files[.accepted] ?? 0) + (ledger.files[.duplicate] ?? 0),
                    rejected: ledger.files[.rejected] ?? 0,
                    waiting: waiting.count, recordsInForce: records, oldestWaitingAge: oldest,
                    lastFile: ledger.lastFile, lastFileAt: ledger.lastFileAt,
                    lastError: ledger.lastError, fault: listing.fault,
                    directories: listing.directories.map(DropName.escaped),
                    temporaries: listing.temporaries.count,
                    oldestTemporaryAge: listing.temporaries.first.map { max(.zero, $0.age(at: now)) },
                    beingWritten: beingWritten))
            }
            let periods = try Outbox.periodStatus(db, now: now)
            var report = StatusReport(sources: sources, periods: periods, pushURL: config.push?.url)
            report.zone = zone
            return report
        }
    }

    public var json: JSONValue {
        func ts(_ t: Timestamp?) -> JSONValue { t.map { .string($0.iso8601) } ?? .null }
        func age(_ d: Duration?) -> JSONValue { d.map { .number(Int($0.components.seconds)) } ?? .null }
        func str(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        return .object([
            ("sources", .array(sources.map { s in
                .object([
                    ("name", .string(s.name)), ("role", .string(s.role)), ("accepted", .number(s.accepted)),
                    ("rejected", .number(s.rejected)), ("waiting", .number(s.waiting)),
                    ("records_in_force", .number(s.recordsInForce)), ("oldest_waiting_seconds", age(s.oldestWaitingAge)),
                    ("last_file", str(s.lastFile)), ("last_file_at", ts(s.lastFileAt)), ("last_error", str(s.lastError)),
                    ("fault", str(s.fault?.description)),
                    ("directories", .array(s.directories.map(JSONValue.string))),
                    ("temporaries", .number(s.temporaries)), ("oldest_temporary_seconds", age(s.oldestTemporaryAge)),
                    ("being_written", .array(s.beingWritten.map { w in
                        .object([("name", .string(w.name)), ("seconds", .number(Int(w.age.components.seconds)))])
                    })),
                ])
            })),
            ("push", .object([
                ("url", str(pushURL)),
                ("periods", .array(periods.map { p in
                    .object([
                        ("period", .string(p.period)), ("pending", .number(p.pending)), ("delivered", .number(p.delivered)),
                        ("dead", .number(p.dead)), ("latest_sequence", .number(p.latestSequence)),
                        ("last_attempt_at", ts(p.lastAttemptAt)), ("last_success_at", ts(p.lastSuccessAt)),
                        ("last_error", str(p.lastError)), ("oldest_undelivered_seconds", age(p.oldestUndeliveredAge)),
                        ("changed_not_staged_since", ts(p.changedAt)),
                    ])
                })),
            ])),
        ])
    }

    /// For people: Chinese with English beside it.
    public var text: String {
        var out = "来源 Sources\n"
        for s in sources {
            out += "  \(s.name) (\(s.role)): 已接收 accepted \(s.accepted), 已退回 rejected \(s.rejected), 待处理 waiting \(s.waiting)"
            if let age = s.oldestWaitingAge { out += " (oldest \(age.components.seconds)s)" }
            out += ", 有效记录 records in force \(s.recordsInForce)\n"
            if let f = s.lastFile { out += "    最近文件 last file: \(f) at \(s.lastFileAt?.local(zone) ?? "?")\n" }
            if let e = s.lastError { out += "    最近错误 last error: \(e)\n" }
            if let fault = s.fault { out += "    ⚠ 无法回执 cannot answer: \(fault)\n" }
            for d in s.directories { out += "    ⚠ 目录不予读取 a directory was dropped in, not read: \(d)/\n" }
            if let age = s.oldestTemporaryAge {
                out += "    临时文件 files under a temporary name (.x, x.tmp, x.part), not read: \(s.temporaries), oldest \(age.components.seconds)s\n"
            }
            for w in s.beingWritten {
                out += "    正在写入 waiting on its writer: \(w.name) (being written for \(w.age.components.seconds)s)\n"
            }
        }
        out += "推送 Push: \(pushURL ?? "not configured 未配置")\n"
        for p in periods where pushURL == nil {
            out += "  \(p.period): 评分序号 scored sequence \(p.latestSequence) (not pushed 不推送)\n"
        }
        for p in periods where pushURL != nil {
            out += "  \(p.period): sequence \(p.latestSequence); 待推送 pending \(p.pending), 已送达 delivered \(p.delivered), 失败 dead \(p.dead)\n"
            out += "    last attempt \(p.lastAttemptAt?.local(zone) ?? "never"), last success \(p.lastSuccessAt?.local(zone) ?? "never")"
            if let age = p.oldestUndeliveredAge { out += ", oldest undelivered change \(age.components.seconds)s ago" }
            out += "\n"
            if let e = p.lastError { out += "    最近错误 last error: \(e)\n" }
            if let at = p.changedAt { out += "    记录已变更,评分待生成 records changed at \(at.local(zone)); scores not staged yet (debounce)\n" }
        }
        return out
    }
}
