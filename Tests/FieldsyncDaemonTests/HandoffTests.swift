@testable import FieldsyncDaemon
import Testing

/// What a reload hands to a service, and what is left to stop.
@Suite("Handoff")
struct HandoffTests {
    final class Part: Sendable {
        let name: String
        init(_ name: String) { self.name = name }
    }

    @Test("A replacement returns the part it replaces; after finish, the replacement itself, never run")
    func replaceAndFinish() async {
        let handoff = Handoff(Part("first"))
        #expect(handoff.replace(with: Part("second"))?.name == "first")
        #expect(handoff.finish()?.name == "second")
        // A reload that comes during shutdown: its new part is handed back to be stopped.
        #expect(handoff.replace(with: Part("late"))?.name == "late")
        #expect(handoff.value?.name == "second")
        var published: [String?] = []
        for await part in handoff.values { published.append(part?.name) }
        #expect(published == ["first", "second"], "nothing after finish is run")
    }
}
