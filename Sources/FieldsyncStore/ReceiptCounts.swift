/// The four ways a record can count on a receipt, kept apart (SPEC §4.2).
public struct ReceiptCounts: Sendable, Hashable {
    public var records = 0
    public var imported = 0
    public var updated = 0
    public var ignored = 0
    public var retracted = 0

    public init(records: Int = 0, imported: Int = 0, updated: Int = 0, ignored: Int = 0, retracted: Int = 0) {
        self.records = records
        self.imported = imported
        self.updated = updated
        self.ignored = ignored
        self.retracted = retracted
    }

    public mutating func count(_ change: Change) {
        records += 1
        switch change {
        case .imported: imported += 1
        case .updated: updated += 1
        case .ignored: ignored += 1
        case .retracted: retracted += 1
        }
    }

    /// True when the file changed what is in force.
    public var changedAnything: Bool { imported + updated + retracted > 0 }
}
