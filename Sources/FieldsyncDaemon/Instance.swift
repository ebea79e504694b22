import FieldsyncConfig
import FieldsyncDelivery
import FieldsyncIntake
import FieldsyncProtocol
import FieldsyncStore
import Foundation
import Logging

/// The parts of fieldsync wired together for one setup: intake feeding the store, and,
/// when `[push]` is configured, every change marking its period changed in the same
/// transaction, for the courier to score and stage.
public final class Instance: Sendable {
    public let setup: Setup
    public let store: Store
    public let intake: Intake
    let logger: Logger

    /// The store in `directory` with every table fieldsync keeps: the ledger, the
    /// revisions and what is in force, and delivery's outbox (its schema steps are
    /// delivery's own).
    public static func openStore(directory: String) throws -> Store {
        try Store.open(directory: directory, migrations: Outbox.migrations)
    }

    /// The same tables in memory, for a dry run without a store on disk.
    public static func inMemoryStore() throws -> Store {
        try Store.inMemory(migrations: Outbox.migrations)
    }

    /// - Parameter clock: the time a file is taken to arrive at (tests fix it, so that
    ///   nothing depends on the day they run).
    /// - Parameter afterChange: told right after a commit that changed records (the
    ///   daemon wakes its courier).
    public init(setup: Setup, store: Store, logger: Logger, afterChange: (@Sendable () -> Void)? = nil,
                clock: @escaping @Sendable () -> Timestamp = Timestamp.now) {
        self.setup = setup
        self.store = store
        self.logger = logger
        // With or without [push]: every change is scored, as a sequence whose totals the
        // report's trend keeps.
        let hook: ChangeHook = { db, periods in try Outbox.noteChanges(db, periods: periods.sorted(), at: .now()) }
        self.intake = Intake(setup: setup, store: store, logger: logger, onChange: hook, afterChange: afterChange, clock: clock)
    }

    /// What the daemon does with a configuration before it works with it, at start
    /// and at every reload: clear half-staged copies and make the drop directories,
    /// mark every period of the (new) schemes changed, revive dead documents.
    public func prepare() throws {
        try intake.recover()
        try markSchemesChanged()
        try reviveDead()
    }

    /// Makes documents central refused (dead) pending again. SPEC §7: a dead document is
    /// retried after a config reload; the daemon calls this when it (re)loads its config.
    public func reviveDead() throws {
        guard setup.config.push != nil else { return }
        try store.writer.write { try Outbox.revive($0, now: .now()) }
    }

    /// Marks changed every period whose scheme is not the one its last document was
    /// scored with: at start and after a reload (a new scheme changes scores without
    /// any new record), and before `fieldsync push`.
    public func markSchemesChanged() throws {
        try store.writer.write { try Outbox.noteSchemeChanges($0, schemes: setup.schemes, at: .now()) }
    }

    /// Scores the changed periods and stages their documents now (what the courier
    /// does after `debounce`): `fieldsync ingest` and `fieldsync push` call it.
    @discardableResult
    public func stageChanged() throws -> [StagedDocument] {
        try Outbox.stageChanged(store: store, office: setup.config.office, schemes: setup.schemes,
                                maxSize: setup.config.push?.maxDocumentSize)
    }
}
