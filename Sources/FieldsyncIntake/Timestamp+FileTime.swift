import FieldsyncProtocol
import FieldsyncSystem

extension Timestamp {
    /// A file time from `stat` (`st_mtim`, `st_ctim`).
    init(_ time: FileStatus.Time) {
        self.init(microseconds: time.microseconds)
    }
}
