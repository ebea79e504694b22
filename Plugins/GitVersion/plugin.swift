import Foundation
import PackagePlugin

/// Writes `GitVersion.swift` — `let gitVersion = "…"`, from `git describe` — for the
/// target that uses it, so that `fieldsync --version` names the commit it was built from
/// (with `-dirty` for uncommitted changes). Rewritten only when it changes, so an
/// unchanged tree does not rebuild.
///
/// A build command with inputs, not a prebuild command: SwiftPM runs a prebuild command
/// only when it plans the build anew, so a commit followed by `swift build` kept the old
/// version. The inputs are what `git describe` reads — HEAD, the branch it names, packed
/// refs, the index (a commit rewrites it) — and the package's sources and manifest (an
/// edit makes the tree dirty). An edit elsewhere (a README) is seen at the next commit.
@main
struct GitVersion: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL.appending(path: "generated")
        let file = output.appending(path: "GitVersion.swift")
        let package = context.package.directoryURL
        let script = """
            set -e
            mkdir -p '\(output.path)'
            v=$(git -C '\(package.path)' describe --always --dirty --tags 2>/dev/null || echo unknown)
            printf '/// The commit this build was made from (git describe).\\nlet gitVersion = "%s"\\n' "$v" > '\(file.path).new'
            if cmp -s '\(file.path).new' '\(file.path)'; then rm '\(file.path).new'; else mv '\(file.path).new' '\(file.path)'; fi
            """
        var inputs = [package.appending(path: "Package.swift")]
        let git = package.appending(path: ".git")
        for name in ["HEAD", "index", "packed-refs"] {
            let url = git.appending(path: name)
            if FileManager.default.fileExists(atPath: url.path) { inputs.append(url) }
        }
        // The branch HEAD names (`ref: refs/heads/main`), if it names one.
        if let head = try? String(contentsOf: git.appending(path: "HEAD"), encoding: .utf8), head.hasPrefix("ref: ") {
            let ref = git.appending(path: head.dropFirst(5).trimmingCharacters(in: .whitespacesAndNewlines))
            if FileManager.default.fileExists(atPath: ref.path) { inputs.append(ref) }
        }
        for case let module as SourceModuleTarget in context.package.targets {
            inputs += module.sourceFiles.map(\.url)
        }
        return [.buildCommand(displayName: "git describe", executable: URL(fileURLWithPath: "/bin/sh"),
                              arguments: ["-c", script], inputFiles: inputs, outputFiles: [file])]
    }
}
