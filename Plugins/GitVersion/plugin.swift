import Foundation
import PackagePlugin

/// Writes `GitVersion.swift` — `let gitVersion = "…"`, from `git describe` — before each
/// build of the target that uses it, so that `fieldsync --version` names the commit it
/// was built from (with `-dirty` for uncommitted changes). Rewritten only when it
/// changes, so an unchanged tree does not rebuild.
@main
struct GitVersion: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL.appending(path: "generated")
        let file = output.appending(path: "GitVersion.swift").path
        let package = context.package.directoryURL.path
        let script = """
            set -e
            mkdir -p '\(output.path)'
            v=$(git -C '\(package)' describe --always --dirty --tags 2>/dev/null || echo unknown)
            printf '/// The commit this build was made from (git describe).\\nlet gitVersion = "%s"\\n' "$v" > '\(file).new'
            if cmp -s '\(file).new' '\(file)'; then rm '\(file).new'; else mv '\(file).new' '\(file)'; fi
            """
        return [.prebuildCommand(displayName: "git describe", executable: URL(fileURLWithPath: "/bin/sh"),
                                 arguments: ["-c", script], outputFilesDirectory: output)]
    }
}
