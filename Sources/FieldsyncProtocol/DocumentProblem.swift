/// Why a pushed scores document was refused: the field at fault and a sentence saying why.
///
/// `field` is a path into the document such as `units[2].grade`, so the office's IT person
/// can find the fault without reading central's code. Answered as HTTP 422.
public struct DocumentProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// Path of the offending field (`""` for the document itself).
    public var field: String
    /// What is wrong with it, in English.
    public var message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { field.isEmpty ? message : "\(field): \(message)" }
}
