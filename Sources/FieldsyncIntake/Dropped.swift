import FieldsyncModel
import FieldsyncProtocol
import FieldsyncSystem
import Foundation

/// A file as intake found it in a drop directory, with everything its answer needs.
struct Dropped {
    var source: Source
    var handles: DropDirectory.Handles
    var name: FileName
    /// What `fstatat` saw before the file was read: only this very file is moved aside.
    var status: FileStatus
    var receivedAt: Timestamp
}
