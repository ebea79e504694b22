import FieldsyncIntake
import FieldsyncSystem
import Foundation
import Glibc

/// What the daemon has logged about one source's directory.
struct ReportedConditions {
    var fault: DropDirectoryFault?
    var directories: Set<FileName> = []
}
