import GRDB

/// One step of the store's schema history that a table's owner outside this module
/// brings (delivery's outbox): registered after the store's own steps, by its
/// identifier, once per store.
public struct StoreMigration: Sendable {
    public let identifier: String
    public let migrate: @Sendable (Database) throws -> Void

    public init(_ identifier: String, migrate: @escaping @Sendable (Database) throws -> Void) {
        self.identifier = identifier
        self.migrate = migrate
    }
}
