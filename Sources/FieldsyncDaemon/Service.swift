import FieldsyncConfig
import FieldsyncDelivery
import FieldsyncIntake
import FieldsyncProtocol
import FieldsyncStore
import Foundation
import Logging

/// The parts of fieldsync wired together for one setup: intake feeding the store, and,
/// when `[push]` is configured, every change staging the next scores document in the
/// outbox within the same transaction.
public final class Service: Sendable {
    public let setup: Setup
    public let store: Store
    public let intake: Intake
    let logger: Logger

    /// - Parameter clock: the time a file is taken to arrive at (tests fix it, so that
    ///   nothing depends on the day they run).
    /// The store in `directory` with every table fieldsync keeps: the ledger and the
    /// revisions, and delivery's outbox (its schema step is delivery's own).
    public static func openStore(directory: String) throws -> Store {
        try Store.open(directory: directory, migrations: [Outbox.migration])
    }

    /// The same tables in memory, for a dry run without a store on disk.
    public static func inMemoryStore() throws -> Store {
        try Store.inMemory(migrations: [Outbox.migration])
    }

    public init(setup: Setup, store: Store, logger: Logger, clock: @escaping @Sendable () -> Timestamp = Timestamp.now) {
        self.setup = setup
        self.store = store
        self.logger = logger
        var hook: ChangeHook?
        if let push = setup.config.push {
            let office = setup.config.office
            let maxSize = push.maxDocumentSize
            let schemes = setup.schemes
            hook = { db, periods in
                for period in periods.sorted() {
                    guard let scheme = schemes[period] else { continue }
                    try Outbox.stage(db, office: office, scheme: scheme, now: .now(), maxSize: maxSize)
                }
            }
        }
        self.intake = Intake(setup: setup, store: store, logger: logger, onChange: hook, clock: clock)
    }

    /// What the daemon does with a configuration before it works with it, at start
    /// and at every reload: clear half-staged copies and make the drop directories,
    /// stage the documents the (new) schemes call for, revive dead documents.
    public func prepare() throws {
        try intake.recover()
        try restage()
        try reviveDead()
    }

    /// Makes documents central refused (dead) pending again. SPEC §7: a dead document is
    /// retried after a config reload; the daemon calls this when it (re)loads its config.
    public func reviveDead() throws {
        guard setup.config.push != nil else { return }
        try store.writer.write { try Outbox.revive($0, now: .now()) }
    }

    /// Stages a document for every period whose scores differ from the last staged one
    /// (at start and after a reload: a new scheme changes scores without any new record).
    public func restage() throws {
        guard setup.config.push != nil else { return }
        try store.writer.write { db in
            for scheme in setup.schemes.values.sorted(by: { $0.period < $1.period }) {
                try Outbox.stage(db, office: setup.config.office, scheme: scheme, now: .now(),
                                 maxSize: setup.config.push?.maxDocumentSize ?? .max)
            }
        }
    }
}
