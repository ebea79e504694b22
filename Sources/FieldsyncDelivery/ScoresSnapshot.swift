import FieldsyncProtocol
import FieldsyncScoring
import Foundation

/// The scoreboard of a period as of now, with the sequence it was (or will be) pushed
/// under.
public struct ScoresSnapshot: Sendable {
    public var scoreboard: Scoreboard
    /// The outbox sequence whose content equals this scoreboard; 0 when none does (no
    /// `[push]` configured, or the change is not yet staged).
    public var sequence: Int
    public var document: JSONValue
}
