import ArgumentParser
import FieldsyncDelivery
import Foundation

struct Push: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Deliver what is pending now, once (dead documents included), and report each answer.",
        discussion: "Exit status 0 when everything pending was delivered, 1 when something is still undelivered."
    )

    @OptionGroup var options: ConfigOption

    func run() async throws {
        let setup = try options.loadSetup()
        guard let push = setup.config.push else { fail("no [push] table in \(setup.config.file): nothing to deliver to") }
        let instance = openInstance(setup)
        let reports: [DeliveryReport]
        do {
            try instance.markSchemesChanged()
            reports = try await Courier(store: instance.store, office: setup.config.office, settings: push,
                                        schemes: setup.schemes, logger: makeLogger()).pushNow()
        } catch {
            fail("cannot push: \(error)")
        }
        if reports.isEmpty { printOut("nothing pending 无待推送内容\n") }
        var undelivered = 0
        for r in reports {
            let answer = r.status.map { "HTTP \($0)" } ?? (r.error ?? "no answer")
            switch r.verdict {
            case .delivered: printOut("delivered 已送达  \(r.key): \(answer)\n")
            case .retry: undelivered += 1; printOut("pending 待重试  \(r.key): \(r.error ?? answer)\n")
            case .dead: undelivered += 1; printOut("refused 被拒绝  \(r.key): \(r.error ?? answer)\n")
            }
        }
        if undelivered > 0 { throw ExitCode(1) }
    }
}
