import FieldsyncProtocol
import FieldsyncReport
import Synchronization

/// Each office and period's report as last rendered, with the sequence it shows:
/// `GET /report/…` renders a document once, not on every request (a large document's
/// report is work a visitor should not be able to ask for again and again), and
/// requests that arrive while it renders wait for that one rendering.
final class ReportCache: Sendable {
    private let pages = Mutex<[String: (sequence: Int64, page: Task<[UInt8], Never>)]>([:])
    /// Reports kept: a province's offices and a few periods each.
    static let kept = 1024

    /// The report of `document`, the latest of its office and period.
    func page(for document: StoredDocument) async -> [UInt8] {
        let key = "\(document.identity.office)/\(document.identity.period)"
        let sequence = document.identity.sequence
        let task = pages.withLock { pages -> Task<[UInt8], Never> in
            if let kept = pages[key], kept.sequence == sequence { return kept.page }
            let body = document.body
            let task = Task { Array(((try? JSONParser.parse(body)).map(Report.html) ?? "").utf8) }
            if pages.count >= Self.kept { pages.removeAll() }
            pages[key] = (sequence, task)
            return task
        }
        return await task.value
    }
}
