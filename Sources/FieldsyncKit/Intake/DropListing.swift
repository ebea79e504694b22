import FieldsyncSystem

/// What is in a drop directory: the files waiting for an answer, and what cannot get
/// one — subdirectories someone dropped in, or the fault that stops the whole source.
public struct DropListing: Sendable {
    /// Oldest first (by modification time, then name).
    public var files: [WaitingFile] = []
    /// Directories dropped in beside the files: never read, reported to the operator.
    public var directories: [FileName] = []
    /// Set when the drop directory or its answer channel is unusable; `files` is then
    /// what is waiting unanswered.
    public var fault: DropDirectoryFault?

    public init(files: [WaitingFile] = [], directories: [FileName] = [], fault: DropDirectoryFault? = nil) {
        self.files = files
        self.directories = directories
        self.fault = fault
    }
}
