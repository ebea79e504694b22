import Foundation
import Synchronization

/// The scoreboard page as last rendered, and the store generation it shows: `GET /`
/// is answered from here, and rendered again only after a document was stored. Reading
/// and rendering every stored document on every request would let anyone who can
/// reach the page make central do a push's worth of work per request.
final class PageCache: Sendable {
    private let rendered = Mutex<(generation: Int, page: [UInt8])?>(nil)

    /// The page for the store as it is now.
    func current(_ store: DocumentStore) async throws -> [UInt8] {
        let generation = store.generation
        if let cached = rendered.withLock({ $0 }), cached.generation == generation { return cached.page }
        let page = Array(ScoreboardPage.render(try await store.latestDocuments()).utf8)
        rendered.withLock { current in
            if current.map({ $0.generation < generation }) ?? true { current = (generation, page) }
        }
        return page
    }
}
