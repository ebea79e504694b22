import Foundation
import Synchronization

/// The scoreboard page as last rendered, and the store generation it shows: `GET /`
/// is answered from here, and rendered again only after a document was stored. Reading
/// and rendering every stored document on every request would let anyone who can
/// reach the page make central do a push's worth of work per request; and requests
/// that arrive while a page is being rendered wait for that one rendering instead of
/// starting their own.
final class PageCache: Sendable {
    private let rendering = Mutex<(generation: Int, page: Task<[UInt8], any Error>)?>(nil)

    /// The page for the store as it is now.
    func current(_ store: DocumentStore) async throws -> [UInt8] {
        let generation = store.generation
        let task = rendering.withLock { current -> Task<[UInt8], any Error> in
            if let current, current.generation >= generation { return current.page }
            let task = Task { Array(ScoreboardPage.render(try await store.latestDocuments()).utf8) }
            current = (generation, task)
            return task
        }
        do {
            return try await task.value
        } catch {
            // Not kept: the next request renders again.
            rendering.withLock { current in
                if current?.generation == generation { current = nil }
            }
            throw error
        }
    }
}
