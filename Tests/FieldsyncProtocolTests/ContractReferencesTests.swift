import FieldsyncTesting
import Foundation
import Testing

/// The contract is in the repository (docs/SPEC.md), and every "SPEC §N" the code, the
/// README, the docs and the command line's help cite is a section it has.
@Suite("References to the contract")
struct ContractReferencesTests {
    static func files(under directory: String, suffixes: [String]) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: directory) else { return [] }
        return walker.compactMap { $0 as? String }.filter { path in suffixes.contains { path.hasSuffix($0) } }
            .map { directory + "/" + $0 }
    }

    @Test("Every SPEC § cited resolves to a heading of docs/SPEC.md")
    func everyReferenceResolves() throws {
        let root = repositoryRoot()
        let spec = try String(contentsOfFile: root + "/docs/SPEC.md", encoding: .utf8)
        let headings = Set(spec.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("#") else { return nil }
            let words = line.drop { $0 == "#" || $0 == " " }.split(separator: " ")
            return words.first.map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: ".")) }
        })
        #expect(headings.isSuperset(of: ["1", "2", "3", "4", "4.1", "4.2", "5", "5.1", "5.2", "5.3", "5.4", "6", "7", "8"]))
        let cited = try NSRegularExpression(pattern: #"SPEC(?:\.md)? ?§ ?([0-9]+(?:\.[0-9]+)?)"#)
        var checked = 0
        for file in Self.files(under: root + "/Sources", suffixes: [".swift"]) + Self.files(under: root + "/docs", suffixes: [".md"])
            + [root + "/README.md"] {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            for match in cited.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                guard let range = Range(match.range(at: 1), in: text) else { continue }
                let section = String(text[range]).trimmingCharacters(in: CharacterSet(charactersIn: "."))
                #expect(headings.contains(section), "\(file) cites SPEC §\(section), which docs/SPEC.md does not have")
                checked += 1
            }
        }
        #expect(checked > 50, "the citations were found (\(checked))")
    }
}
