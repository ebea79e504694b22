import FieldsyncIntake
import FieldsyncModel

/// What a test asks of an outcome.
extension FileOutcome {
    package var receipt: Receipt? { if case .accepted(let r) = self { r } else { nil } }
    package var problems: [Problem] { if case .rejected(let p) = self { p.listed } else { [] } }
    package var isSkipped: Bool { if case .skipped = self { true } else { false } }
}
