import FieldsyncProtocol
import Foundation

/// One watched drop directory and the rights of whoever drops files into it.
public struct Source: Sendable, Hashable {
    public var name: String
    /// Absolute path of the drop directory.
    public var path: String
    public var role: Role
    /// For reporters: the one unit this directory may report for.
    public var unit: String?

    public init(name: String, path: String, role: Role, unit: String? = nil) {
        self.name = name
        self.path = path
        self.role = role
        self.unit = unit
    }

    /// A source's name is one safe path component (it names `archive/NAME/`): 1–64
    /// ASCII letters, digits, `.`, `_`, `-`, starting with a letter or digit.
    public static func isValidName(_ name: String) -> Bool {
        Limits.isCode(name)
    }
}
