import ArgumentParser
import FieldsyncKit

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "(not yet available)")
    @OptionGroup var options: ConfigOption
    func run() async throws { fail("not yet available") }
}
