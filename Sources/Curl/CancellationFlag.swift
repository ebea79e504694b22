import CCurlShim
import Foundation
import Synchronization

/// Set from the task's cancellation handler, read by the transfer's progress
/// callback on the transfer thread.
final class CancellationFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    func cancel() { flag.store(true, ordering: .relaxed) }
    var isCancelled: Bool { flag.load(ordering: .relaxed) }
}
