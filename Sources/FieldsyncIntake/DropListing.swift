import FieldsyncSystem

/// What is in a drop directory: the files waiting for an answer, and what cannot get
/// one — subdirectories someone dropped in, or the fault that stops the whole source.
public struct DropListing: Sendable {
    /// Oldest first (by modification time, then name).
    public var files: [WaitingFile] = []
    /// False when the directory could not be read through (`files` may lack some).
    public var complete = true
    /// Directories dropped in beside the files: never read, reported to the operator.
    public var directories: [FileName] = []
    /// Files under a temporary name (`.x`, `x.tmp`, `x.part`, `~$x` …): never read,
    /// counted so that an upload abandoned half-way does not wait unseen.
    public var temporaries: [WaitingFile] = []
    /// Set when the drop directory or its answer channel is unusable; `files` is then
    /// what is waiting unanswered.
    public var fault: DropDirectoryFault?

    public init(files: [WaitingFile] = [], directories: [FileName] = [], fault: DropDirectoryFault? = nil) {
        self.files = files
        self.directories = directories
        self.fault = fault
    }

    /// Each file's identity, by name.
    public var identities: [FileName: FileStatus.Identity] {
        Dictionary(files.map { ($0.name, $0.identity) }, uniquingKeysWith: { a, _ in a })
    }
}
