@testable import FieldsyncSystem
import FieldsyncTesting
import Foundation
import Glibc
import Testing

/// The descriptor-relative operations intake relies on: nothing follows a link, names
/// are bytes, an atomic write replaces a planted link instead of writing through it.
@Suite("DirectoryHandle")
struct DirectoryHandleTests {
    let root: String

    init() throws {
        root = NSTemporaryDirectory() + "fieldsync-dir-" + UUID().uuidString.prefix(8)
        #expect(mkdir(root, 0o755) == 0)
        #expect(mkdir(root + "/real", 0o755) == 0)
        #expect(mkdir(root + "/elsewhere", 0o755) == 0)
        #expect(symlink(root + "/elsewhere", root + "/link") == 0)
    }

    func cleanUp() { try? FileManager.default.removeItem(atPath: root) }

    @Test("A symbolic link is never opened as a directory, by path or by name")
    func linksAreRefused() throws {
        defer { cleanUp() }
        #expect(throws: SystemCallError.self) { try DirectoryHandle.open(path: root + "/link") }
        let parent = try DirectoryHandle.open(path: root)
        do {
            _ = try parent.openDirectory("link")
            Issue.record("opened a link")
        } catch {
            #expect(error.errno == ENOTDIR, "O_DIRECTORY is checked before O_NOFOLLOW")
        }
        #expect(try parent.status(of: "link")?.kind == .symbolicLink)
        #expect(try parent.status(of: "missing") == nil)
        #expect(try DirectoryHandle.open(path: root + "/link", followingLinks: true).status().kind == .directory)
    }

    @Test("Writing a file replaces a link planted under its name, and leaves the link's target alone")
    func writeReplacesAPlantedLink() throws {
        defer { cleanUp() }
        let target = root + "/elsewhere/store.sqlite"
        #expect(FileManager.default.createFile(atPath: target, contents: Data("precious".utf8)))
        let real = try DirectoryHandle.open(path: root + "/real")
        #expect(symlink(target, root + "/real/a.errors.txt") == 0)
        try real.writeFile("a.errors.txt", contents: Array("problems\n".utf8))
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "precious")
        #expect(try real.status(of: "a.errors.txt")?.kind == .regular)
        #expect(try String(contentsOfFile: root + "/real/a.errors.txt", encoding: .utf8) == "problems\n")
        #expect(try real.entries().map(\.name) == ["a.errors.txt"], "no temporary file left behind")
    }

    @Test("Entries keep names as bytes, whatever they are")
    func entriesAreBytes() throws {
        defer { cleanUp() }
        let name: [UInt8] = [0xCA, 0xD9, 0x0A, 0x2E, 0x63]
        let path = Array((root + "/real/").utf8) + name + [0]
        let fd = path.withUnsafeBufferPointer { $0.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_CREAT | O_WRONLY, 0o644) } }
        #expect(fd >= 0)
        close(fd)
        let real = try DirectoryHandle.open(path: root + "/real")
        let entries = try real.entries()
        #expect(entries.map(\.name.bytes) == [name])
        #expect(entries.first?.kind == .regular)
        let renamed: FileName = "plain"
        try real.rename(entries[0].name, to: real, as: renamed)
        #expect(try real.status(of: renamed)?.kind == .regular)
    }

    @Test("makeDirectory says whether it made one; openOrMakeDirectory refuses a link in the way")
    func makeDirectory() throws {
        defer { cleanUp() }
        let parent = try DirectoryHandle.open(path: root)
        #expect(try parent.makeDirectory("new", permissions: 0o750))
        #expect(try !parent.makeDirectory("new", permissions: 0o750))
        #expect(throws: SystemCallError.self) { try parent.openOrMakeDirectory("link", permissions: 0o750) }
        #expect(try parent.openOrMakeDirectory("new", permissions: 0o750).status().kind == .directory)
    }

    @Test("A file name is one entry: no slash, no NUL, not . or .., at most 255 bytes",
          arguments: ["a/b", "", ".", "..", String(repeating: "x", count: 256)])
    func invalidNames(_ text: String) {
        #expect(FileName(text) == nil)
    }
}
