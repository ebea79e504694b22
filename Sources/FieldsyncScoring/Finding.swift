import FieldsyncModel

/// A problem found by a site visit (察访核验) that costs the unit points.
public struct Finding: Sendable, Hashable {
    public var id: String
    public var deduction: Exact
    public var note: String?

    public init(id: String, deduction: Exact, note: String? = nil) {
        self.id = id
        self.deduction = deduction
        self.note = note
    }
}
