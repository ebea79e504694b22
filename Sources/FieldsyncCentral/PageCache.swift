import Foundation
import Synchronization

/// The overview pages as last rendered, and the store's change mark each shows: `GET /`
/// is answered from here, and a page rendered again only after a document was stored
/// (by this receiver or another on the same database). Reading and rendering every
/// stored document on every request would let anyone who can reach the page make
/// central do a push's worth of work per request (``MarkedCache``).
final class PageCache: Sendable {
    private let pages = MarkedCache<Int, [UInt8]>(keeps: { $0 < PageCache.keptPages })
    /// How many pages were rendered (tests tell a cached page from a new one).
    let renders = Atomic<Int>(0)

    /// Offices on one page of the overview.
    static let officesPerPage = 100
    /// Pages kept rendered: a thousand offices is ten.
    static let keptPages = 64

    /// Page `number` (from 0) for the store as it is now.
    func current(_ store: any DocumentStorage, page number: Int) async throws -> [UInt8] {
        try await pages.value(number, at: try await store.changeMark()) { [self] in
            renders.add(1, ordering: .relaxed)
            let offices = try await store.offices().count
            let documents = try await store.latestDocuments(skip: number * Self.officesPerPage, offices: Self.officesPerPage)
            let pages = max(1, (offices + Self.officesPerPage - 1) / Self.officesPerPage)
            return Array(ScoreboardPage.render(documents, page: number, pages: pages).utf8)
        }
    }
}
