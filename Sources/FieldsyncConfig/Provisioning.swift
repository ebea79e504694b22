import FieldsyncModel

/// What `fieldsync provision` writes for a config: the sysusers.d(5) and tmpfiles.d(5)
/// lines of its sources — one group and one drop directory (with `receipts/` and
/// `rejected/`) per source. The package ships only the daemon's own user and the roots
/// (`systemd/fieldsync.sysusers`, `systemd/fieldsync.tmpfiles`): one office's counties
/// are not another's, so each office provisions its own, and `systemd/` keeps what this
/// writes for the bundled config (a test checks they agree).
///
/// The modes are the ones the daemon's attack tests run under: 3770 on a drop directory
/// (the source's group may create, setgid keeps the group, sticky keeps a clerk off
/// others' entries), 2750 on `receipts/` and `rejected/` (read, never create), a default
/// ACL so the daemon reads a file whatever the clerk's umask.
public enum Provisioning {
    /// The daemon's user, which joins every source's group.
    public static let daemonUser = "fieldsync"
    /// Where the package's tmpfiles put the spool roots (`/var/spool/fieldsync`,
    /// `units/`); other directories under it are made 0751 here.
    public static let spool = "/var/spool/fieldsync"

    /// The group of `source`'s drop directory: `fieldsync-NAME`, or why there can be none.
    public static func group(of source: Source) -> Result<String, ProvisioningError> {
        let group = daemonUser + "-" + source.name
        guard let first = source.name.utf8.first, (UInt8(ascii: "a") ... UInt8(ascii: "z")).contains(first),
              source.name.utf8.allSatisfy({ (UInt8(ascii: "a") ... UInt8(ascii: "z")).contains($0)
                  || (UInt8(ascii: "0") ... UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") })
        else {
            return .failure(ProvisioningError(source: source.name, reason:
                "its name makes no safe group name: a group is fieldsync-NAME, and NAME must be lower-case letters, digits, '-' or '_', starting with a letter"))
        }
        guard group.utf8.count <= 31 else {
            return .failure(ProvisioningError(source: source.name, reason:
                "its group name \(group) is longer than 31 characters, which not every tool takes: shorten the source's name to at most 21"))
        }
        return .success(group)
    }

    /// The sysusers.d lines: a group per source, and the daemon in each.
    public static func sysusers(_ config: Config, unitNames: [String: String]) throws(ProvisioningError) -> String {
        var groups: [(Source, String)] = []
        for source in config.sources { groups.append((source, try group(of: source).get())) }
        var text = """
            # sysusers.d(5) for the drop sources of office \(config.office),
            # written by `fieldsync provision --kind sysusers`; install as
            # /etc/sysusers.d/fieldsync-sources.conf and run systemd-sysusers. A clerk joins
            # their own source's group only: usermod -aG fieldsync-NAME alice.

            """ + "\n"
        for (source, group) in groups {
            text += "# \(description(of: source, unitNames: unitNames))\ng \(group) -\n"
        }
        text += "\n# The daemon reads what is dropped and writes the answers: it joins every group.\n"
        for (_, group) in groups { text += "m \(daemonUser) \(group)\n" }
        return text
    }

    /// The tmpfiles.d lines: each source's drop directory, `receipts/` and `rejected/`,
    /// and the directories between the spool root and them.
    public static func tmpfiles(_ config: Config, unitNames: [String: String]) throws(ProvisioningError) -> String {
        var text = """
            # tmpfiles.d(5) for the drop sources of office \(config.office),
            # written by `fieldsync provision --kind tmpfiles`; install as
            # /etc/tmpfiles.d/fieldsync-sources.conf and run systemd-tmpfiles --create after
            # systemd-sysusers. Modes: see /usr/lib/tmpfiles.d/fieldsync.conf.
            #
            # Type Path                                        Mode User      Group                Age Argument

            """
        var between: [String] = []
        for source in config.sources {
            var parent = Paths.normalized(source.path)
            while let slash = parent.lastIndex(of: "/"), parent != spool {
                parent = String(parent[..<slash])
                guard parent.hasPrefix(spool + "/"), parent != spool + "/units" else { break }
                if !between.contains(parent) { between.append(parent) }
            }
        }
        for directory in between.sorted() {
            text += line("d", try escaped(directory, source: "-"), "0751", "root", daemonUser)
        }
        for source in config.sources {
            let group = try group(of: source).get()
            let path = try escaped(Paths.normalized(source.path), source: source.name)
            text += "\n# \(description(of: source, unitNames: unitNames))\n"
            if !path.hasPrefix(spool + "/") {
                text += "# (outside \(spool): its parent directory must exist and let others traverse it, o+x)\n"
            }
            text += line("d", path, "3770", daemonUser, group)
            text += line("a+", path, "-", "-", "-", argument: "default:user:\(daemonUser):rwx")
            text += line("d", path + "/receipts", "2750", daemonUser, group)
            text += line("d", path + "/rejected", "2750", daemonUser, group)
        }
        return text
    }

    /// Why `path` cannot be a drop directory tmpfiles.d makes (a `d` line re-owns and
    /// re-modes a directory that exists), or nil: the system's own directories and
    /// those under them, the spool's roots (the package's lines own them), and paths no
    /// file system takes.
    static func unfitDropDirectory(_ path: String) -> String? {
        let system = ["/", "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib32", "/lib64", "/media", "/mnt", "/opt",
                      "/proc", "/root", "/run", "/sbin", "/srv", "/sys", "/tmp", "/usr", "/var", "/var/lib", "/var/spool",
                      "/var/tmp", "/var/log", "/var/cache"]
        let under = ["/bin/", "/boot/", "/dev/", "/etc/", "/lib/", "/lib32/", "/lib64/", "/proc/", "/run/", "/sbin/", "/sys/", "/usr/"]
        if system.contains(path) || under.contains(where: path.hasPrefix) {
            return "is a system directory or inside one: a drop directory gets its own"
        }
        if path == spool || path == spool + "/units" || !path.hasPrefix("/") {
            return "is the spool's root, which the package's own lines set up, or not absolute"
        }
        if path.utf8.count > 3000 || path.split(separator: "/").contains(where: { $0.utf8.count > 240 }) {
            return "is too long for a file system (a name of more than 240 bytes, or a path of more than 3000)"
        }
        return nil
    }

    private static func line(_ type: String, _ path: String, _ mode: String, _ user: String, _ group: String,
                             argument: String = "-") -> String {
        func pad(_ s: String, _ width: Int) -> String { s + String(repeating: " ", count: max(1, width - s.count)) }
        return pad(type, 3) + pad(path, 46) + pad(mode, 5) + pad(user, 10) + pad(group, 21) + "-   " + argument + "\n"
    }

    /// A path as tmpfiles.d reads it: `%` doubled (it starts a specifier); whitespace,
    /// quotes, backslashes and control characters refused (they would split or escape
    /// the line).
    private static func escaped(_ path: String, source: String) throws(ProvisioningError) -> String {
        if let reason = unfitDropDirectory(path) {
            throw ProvisioningError(source: source, reason: "its path \(path) \(reason)")
        }
        for scalar in path.unicodeScalars where scalar.properties.isWhitespace || scalar.value < 0x20 || scalar.value == 0x7F
            || scalar == "\"" || scalar == "'" || scalar == "\\" {
            throw ProvisioningError(source: source, reason:
                "its path \(path) holds a space, quote, backslash or control character, which tmpfiles.d cannot take")
        }
        return path.replacingOccurrences(of: "%", with: "%%")
    }

    /// A comment line's text. A unit's name comes from a scheme and may hold anything:
    /// a line break, a carriage return or NUL (which tmpfiles.d also ends a line at)
    /// would start a line root applies, so every control character and line or
    /// paragraph separator becomes a space.
    private static func description(of source: Source, unitNames: [String: String]) -> String {
        let text: String
        switch source.role {
        case .reporter:
            let unit = source.unit ?? source.name
            text = "\(unitNames[unit] ?? unit) (\(source.name))"
        case .inspector:
            text = "\(source.name): inspectors' spot-checks and findings (抽查, 察访核验)"
        case .survey:
            text = "\(source.name): the survey office's public evaluation (公众评议)"
        }
        return String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
            scalar.properties.generalCategory == .control || scalar.value == 0x85 || scalar.value == 0x2028
                || scalar.value == 0x2029 ? " " : scalar
        }))
    }
}

/// Why `fieldsync provision` cannot write a source's lines: one sentence naming it.
public struct ProvisioningError: Error, Sendable, CustomStringConvertible {
    public var source: String
    public var reason: String
    public var description: String { "source \"\(source)\": \(reason)" }
}
