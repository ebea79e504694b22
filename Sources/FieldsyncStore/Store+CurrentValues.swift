import FieldsyncModel
import FieldsyncScoring

extension Store {
    /// The current values of a period (SPEC §4.1), read in one snapshot.
    public func currentValues(period: String, scheme: Scheme) throws -> CurrentValues {
        try writer.read { db in try InForce.values(db, period: period, scheme: scheme) }
    }
}
