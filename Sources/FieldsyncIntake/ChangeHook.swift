import Foundation
import GRDB

/// Called inside the transaction that accepted a file which changed records, with the
/// periods it touched: delivery marks them changed there, so the change and the mark
/// commit together or not at all (the courier scores them later).
public typealias ChangeHook = @Sendable (Database, Set<String>) throws -> Void
