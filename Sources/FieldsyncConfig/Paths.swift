import Foundation

/// Path helpers: config paths are relative to the config file.
enum Paths {
    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? normalized(path) : normalized(FileManager.default.currentDirectoryPath + "/" + path)
    }

    static func resolve(_ path: String, against base: String) -> String {
        path.hasPrefix("/") ? normalized(path) : normalized(base + "/" + path)
    }

    /// Removes `.`, `..` and doubled or trailing slashes, without touching the disk
    /// (symbolic links are not resolved: a drop directory is named as configured).
    static func normalized(_ path: String) -> String {
        var out: [Substring] = []
        for part in path.split(separator: "/") {
            if part == "." || part.isEmpty { continue }
            if part == ".." { if !out.isEmpty { out.removeLast() }; continue }
            out.append(part)
        }
        return "/" + out.joined(separator: "/")
    }
}
