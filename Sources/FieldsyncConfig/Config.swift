import FieldsyncModel
import FieldsyncProtocol
import Foundation

/// A loaded, checked `fieldsync.toml` (SPEC §2). Relative paths in the file are
/// resolved against the file's own directory, so a config and its schemes can move
/// together (the bundled demo relies on this).
public struct Config: Sendable {
    /// Absolute path of the file this came from.
    public var file: String
    public var office: String
    public var stateDirectory: String
    public var schemePaths: [String]
    public var sources: [Source]
    public var intake: IntakeSettings
    public var push: PushSettings?
    /// `[metrics]`: always on; the section only moves the file or changes how often.
    public var metrics = MetricsSettings()
    /// `timezone`: the zone times are shown to people in (`status`, messages); nil: the
    /// zone of the newest scheme (``Setup/officeTimeZone``).
    public var timeZone: TimeZone?

    public init(file: String, office: String, stateDirectory: String, schemePaths: [String],
                sources: [Source], intake: IntakeSettings = IntakeSettings(), push: PushSettings? = nil) {
        self.file = file
        self.office = office
        self.stateDirectory = stateDirectory
        self.schemePaths = schemePaths
        self.sources = sources
        self.intake = intake
        self.push = push
    }

    public func source(named name: String) -> Source? { sources.first { $0.name == name } }

    /// The source whose drop directory holds `path` (the file's own directory).
    public func source(holding path: String) -> Source? {
        let dir = (Paths.absolute(path) as NSString).deletingLastPathComponent
        return sources.first { Paths.normalized($0.path) == Paths.normalized(dir) }
    }

    /// Reads and checks a config file. Every mistake names the file and the key.
    public static func load(_ path: String) throws(ConfigError) -> Config {
        let file = Paths.absolute(path)
        return try parse(file: file, text: try read(file).text)
    }

    /// Checks config text as if read from `file` (relative paths resolve against its
    /// directory).
    public static func parse(file: String, text: String) throws(ConfigError) -> Config {
        let base = (file as NSString).deletingLastPathComponent
        let toml = try TOMLReader(file: file, text: text)

        let office = try toml.requiredString("office")
        guard Limits.isCode(office) else { throw toml.error("office", "must be 1 to \(Limits.codeBytes) letters, digits, '.', '_' or '-' (ASCII), starting with a letter or digit: it goes into idempotency keys, URLs and file names, got \"\(office)\"") }
        let stateDirectory = Paths.resolve(try toml.requiredString("state_dir"), against: base)
        var timeZone: TimeZone?
        if let name = try toml.string("timezone") {
            guard let zone = TimeZone(identifier: name) else { throw toml.error("timezone", "unknown time zone \"\(name)\" (e.g. Asia/Shanghai)") }
            timeZone = zone
        }
        guard let schemes = try toml.stringArray("schemes"), !schemes.isEmpty else {
            throw toml.error("schemes", "is required: a list of scheme files, one per period")
        }

        var sources: [Source] = []
        for t in try toml.tables("source") {
            let name = try t.requiredString("name")
            guard Source.isValidName(name) else {
                throw t.error("name", "must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit (it names the source's archive directory), got \"\(name)\"")
            }
            let path = Paths.resolve(try t.requiredString("path"), against: base)
            let state = Paths.normalized(stateDirectory), drop = Paths.normalized(path)
            if state == drop || state.hasPrefix(drop + "/") || drop.hasPrefix(state + "/") {
                throw t.error("path", "is state_dir, inside it or contains it; the store must be apart from every drop directory")
            }
            guard let role = Role(rawValue: try t.requiredString("role")) else {
                throw t.error("role", "must be reporter, inspector or survey")
            }
            let unit = try t.string("unit")
            if role == .reporter, unit == nil {
                throw t.error("unit", "is required for a reporter: the one unit it may report for")
            }
            if role != .reporter, unit != nil {
                throw t.error("unit", "is only for reporters (inspectors and the survey office report for any unit)")
            }
            try t.rejectUnknownKeys()
            if sources.contains(where: { $0.name == name }) {
                throw t.error("name", "another source is already named \"\(name)\"")
            }
            for other in sources {
                let a = Paths.normalized(path), b = Paths.normalized(other.path)
                if a == b { throw t.error("path", "source \"\(other.name)\" already watches \(path)") }
                if a.hasPrefix(b + "/") || b.hasPrefix(a + "/") {
                    throw t.error("path", "is inside (or contains) the directory of source \"\(other.name)\"; drop directories must be apart")
                }
            }
            sources.append(Source(name: name, path: path, role: role, unit: unit))
        }
        guard !sources.isEmpty else { throw toml.error("source", "at least one [[source]] is required") }

        var intake = IntakeSettings()
        if let t = try toml.table("intake") {
            if let w = try t.string("watch") {
                guard let mode = WatchMode(rawValue: w) else { throw t.error("watch", "must be \"inotify\" or \"poll\"") }
                intake.watch = mode
            }
            if let d = try t.duration("poll_interval") {
                guard d > .zero else { throw t.error("poll_interval", "must be more than zero") }
                intake.pollInterval = d
            }
            if let s = try t.size("max_file_size") { intake.maxFileSize = s }
            try t.rejectUnknownKeys()
        }

        var push: PushSettings?
        if let t = try toml.table("push") {
            let url = try t.requiredString("url")
            guard url.hasPrefix("https://") || url.hasPrefix("http://") else {
                throw t.error("url", "must be an http:// or https:// URL")
            }
            var p = PushSettings(url: url)
            func file(_ key: String) throws(ConfigError) -> String? {
                guard let s = try t.string(key), !s.isEmpty else { return nil }
                return Paths.resolve(s, against: base)
            }
            p.tokenFile = try file("token_file")
            p.caFile = try file("ca_file")
            p.clientCertificate = try file("client_cert")
            p.clientKey = try file("client_key")
            if (p.clientCertificate == nil) != (p.clientKey == nil) {
                throw t.error(p.clientCertificate == nil ? "client_cert" : "client_key",
                              "client_cert and client_key go together (mutual TLS needs both)")
            }
            if let d = try t.duration("debounce") { p.debounce = d }
            if let d = try t.duration("interval") { p.interval = d }
            if let d = try t.duration("timeout") { p.timeout = d }
            if let d = try t.duration("max_backoff") { p.maxBackoff = d }
            if let n = try t.size("max_document_size") { p.maxDocumentSize = n }
            if let b = try t.bool("allow_insecure_http") { p.allowInsecureHTTP = b }
            guard p.timeout > .zero else { throw t.error("timeout", "must be more than zero") }
            guard p.maxBackoff >= .seconds(1) else { throw t.error("max_backoff", "must be at least 1s") }
            if p.tokenFile != nil, !p.allowInsecureHTTP, let host = Config.plainHTTPHost(url), !Config.isLoopback(host) {
                throw t.error("url", "sends the bearer token in clear text to \(host): use https://, or set allow_insecure_http = true if a trusted network carries it")
            }
            try t.rejectUnknownKeys()
            push = p
        }
        var metrics = MetricsSettings()
        if let t = try toml.table("metrics") {
            if let s = try t.string("textfile"), !s.isEmpty { metrics.textfile = Paths.resolve(s, against: base) }
            if let d = try t.duration("interval") {
                guard d >= .seconds(1) else { throw t.error("interval", "must be at least 1s") }
                metrics.interval = d
            }
            try t.rejectUnknownKeys()
        }
        try toml.rejectUnknownKeys()

        var config = Config(file: file, office: office, stateDirectory: stateDirectory,
                            schemePaths: schemes.map { Paths.resolve($0, against: base) },
                            sources: sources, intake: intake, push: push)
        config.timeZone = timeZone
        config.metrics = metrics
        return config
    }

    /// The bytes and text of a config or scheme file (the scheme's bytes are hashed).
    static func read(_ file: String) throws(ConfigError) -> (data: Data, text: String) {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ConfigError(file: file, message: "cannot be read (missing, or no permission)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: file, message: "is not UTF-8 text")
        }
        return (data, text)
    }

    /// The host of an `http://` URL (nil for any other scheme), as RFC 3986 and
    /// libcurl read it: the authority ends at the first `/`, `?` or `#`, and a user
    /// name and password end at its last `@` (`http://central.example?@127.0.0.1` goes
    /// to central.example).
    static func plainHTTPHost(_ url: String) -> String? {
        guard url.lowercased().hasPrefix("http://") else { return nil }
        let afterScheme = url.dropFirst("http://".count)
        var authority = afterScheme.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") {
            authority = authority[authority.index(after: at)...]
        }
        if authority.hasPrefix("[") {
            return authority.firstIndex(of: "]").map { String(authority[authority.index(after: authority.startIndex) ..< $0]) }
                ?? String(authority)
        }
        return String(authority.prefix { $0 != ":" })
    }

    /// Whether `host` is this machine's loopback: `localhost`, 127.0.0.0/8, `::1`.
    static func isLoopback(_ host: String) -> Bool {
        let h = host.lowercased()
        if h == "localhost" || h == "::1" { return true }
        let parts = h.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }
}
