import FieldsyncModel
import Foundation

/// A config together with the schemes it names: everything the daemon needs to know
/// before it reads a single record. Loaded at start and on SIGHUP; a reload that fails
/// keeps the old one.
public struct Setup: Sendable {
    public var config: Config
    /// period → scheme.
    public var schemes: [String: Scheme]

    public init(config: Config, schemes: [String: Scheme]) {
        self.config = config
        self.schemes = schemes
    }

    /// The period of the newest scheme: the default of `scores`.
    public var newestPeriod: String? { schemes.keys.max() }

    /// The zone times are shown to people in: the newest scheme's (the office works in
    /// it), or China Standard Time when no scheme is loaded.
    public var officeTimeZone: TimeZone {
        config.timeZone ?? newestPeriod.flatMap { schemes[$0]?.timeZone } ?? TimeZone(identifier: "Asia/Shanghai")!
    }

    public static func load(config path: String) throws(ConfigError) -> Setup {
        let config = try Config.load(path)
        var schemes: [String: Scheme] = [:]
        for (i, file) in config.schemePaths.enumerated() {
            let scheme = try Scheme.load(file)
            if schemes[scheme.period] != nil {
                throw ConfigError(file: config.file, keyPath: "schemes[\(i + 1)]", message: "a second scheme for period \(scheme.period) (\(file)); one scheme per period")
            }
            schemes[scheme.period] = scheme
        }
        for source in config.sources {
            if let unit = source.unit, !schemes.values.contains(where: { $0.unit(unit) != nil }) {
                throw ConfigError(file: config.file, keyPath: "source[\(source.name)].unit",
                                  message: "unit \"\(unit)\" is in no scheme")
            }
        }
        return Setup(config: config, schemes: schemes)
    }
}
