import Foundation
import Glibc

/// Named instants at which the tests kill the process for real (SIGKILL, as
/// `kill -9` would), to prove that a crash there loses nothing and counts nothing
/// twice. Inert unless `FIELDSYNC_FAULT` names the point.
enum FaultPoint {
    static let armed = ProcessInfo.processInfo.environment["FIELDSYNC_FAULT"]

    static func hit(_ name: String) {
        if armed == name { kill(getpid(), SIGKILL) }
    }
}
