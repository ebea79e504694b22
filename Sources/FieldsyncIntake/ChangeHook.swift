import Foundation
import GRDB

/// Called inside the transaction that accepted a file which changed records, with the
/// periods it touched: delivery writes the next scores document to its outbox there, so
/// the change and the document to push commit together or not at all.
public typealias ChangeHook = @Sendable (Database, Set<String>) throws -> Void
