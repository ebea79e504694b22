/// The problems of a rejected file, as an error value: the first ``kept`` in file
/// order, whole, and how many more there were. A file of a million bad lines costs a
/// counter, not a million messages — what a clerk reads is the errors file, and it
/// lists at most this many anyway.
public struct Problems: Error, Sendable {
    /// Most problems kept, and listed in an errors file.
    public static let kept = 1000

    /// The first problems in file order (file-wide ones first), at most ``kept``.
    public var listed: [Problem] {
        sorted ? storage : Problems.inFileOrder(storage)
    }
    /// Problems found beyond those listed.
    public private(set) var unlisted = 0
    private var storage: [Problem] = []
    /// Whether `storage` is known to be in file order.
    private var sorted = true

    public init(_ problems: [Problem] = []) {
        for problem in problems { append(problem) }
    }

    public var count: Int { storage.count + unlisted }
    public var isEmpty: Bool { storage.isEmpty }

    /// Adds a problem; beyond ``kept``, one that comes later in the file than every
    /// kept one is only counted (a file-wide problem found last still displaces a line's).
    public mutating func append(_ problem: Problem) {
        if storage.count < Problems.kept {
            if let last = storage.last, last.location.order > problem.location.order { sorted = false }
            storage.append(problem)
            return
        }
        if !sorted {
            storage = Problems.inFileOrder(storage)
            sorted = true
        }
        unlisted += 1
        guard let last = storage.last, problem.location.order < last.location.order else { return }
        storage.removeLast()
        let at = storage.firstIndex { $0.location.order > problem.location.order } ?? storage.endIndex
        storage.insert(problem, at: at)
    }

    public mutating func append(contentsOf other: Problems) {
        for problem in other.storage { append(problem) }
        unlisted += other.unlisted
    }

    /// Stable: problems of one place keep the order they were found in.
    private static func inFileOrder(_ problems: [Problem]) -> [Problem] {
        problems.enumerated()
            .sorted { ($0.element.location.order, $0.offset) < ($1.element.location.order, $1.offset) }
            .map(\.element)
    }
}
