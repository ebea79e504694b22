import Curl
import FieldsyncConfig
import FieldsyncModel
import FieldsyncProtocol
import FieldsyncStore
import Foundation
import Logging
import Synchronization

/// Delivers the outbox to central over libcurl (SPEC §7): waits `debounce` after the
/// last change, scores the changed periods and stages their documents, posts the
/// newest pending document of each period with its idempotency key, and records every
/// attempt. Runs apart from intake, so neither scoring nor a hung or slow central ever
/// delays a file.
public final class Courier: Sendable {
    let store: Store
    /// This office's id, the first part of every idempotency key.
    let office: String
    let settings: PushSettings
    /// The schemes the changed periods are scored with.
    let schemes: [String: Scheme]
    let logger: Logger
    let policy: RetryPolicy
    /// False without `[push]`: changes are scored and staged (their sequences and trend
    /// kept for reports), nothing is posted.
    let delivers: Bool
    private let state = Mutex(State())
    /// What was scored last, to score the next change unit by unit.
    private let cache = ScoringCache()
    private let bell: AsyncStream<Void>.Continuation
    private let rings: Mutex<AsyncStream<Void>?>

    private struct State {
        var lastChange: ContinuousClock.Instant?
        var stopped = false
        var running: Task<Void, Never>?
        /// The last document staged of each period, posted without reading it back.
        /// (A period and sequence name the same bytes for ever, so it is never stale.)
        var held: [String: StagedDocument] = [:]
    }

    /// How soon the courier looks again after the store failed it (a full disk, a
    /// locked database): soon, not after `interval`.
    static let storeRetry: Duration = .seconds(2)

    public init(store: Store, office: String, settings: PushSettings, schemes: [String: Scheme], logger: Logger,
                delivers: Bool = true) {
        self.delivers = delivers
        self.store = store
        self.office = office
        self.settings = settings
        self.schemes = schemes
        self.logger = logger
        policy = RetryPolicy(maxBackoff: settings.maxBackoff, interval: settings.interval)
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        bell = continuation
        rings = Mutex(stream)
    }

    /// Records changed: push after `debounce` unless more changes follow.
    public func changed() {
        state.withLock { $0.lastChange = .now }
        bell.yield()
    }

    /// Ends `run()`, aborting a transfer in flight (it stays pending, under the same key).
    public func stop() {
        let task = state.withLock { s -> Task<Void, Never>? in
            s.stopped = true
            return s.running
        }
        task?.cancel()
        bell.finish()
    }

    /// The delivery loop; returns after `stop()`.
    public func run() async {
        guard let stream = rings.withLock({ s -> AsyncStream<Void>? in defer { s = nil }; return s }) else { return }
        var wakes = stream.makeAsyncIterator()
        while !state.withLock({ $0.stopped }) {
            let wait = await deliverDue()
            guard !state.withLock({ $0.stopped }) else { break }
            let timer = Task { [bell] in
                try? await Task.sleep(for: wait)
                bell.yield()
            }
            _ = await wakes.next()
            timer.cancel()
        }
    }

    /// Stages what changed and delivers what is due now; returns how long to wait
    /// before looking again.
    func deliverDue() async -> Duration {
        let debounceLeft: Duration = state.withLock { s in
            guard let last = s.lastChange else { return .zero }
            return settings.debounce - (ContinuousClock.now - last)
        }
        if debounceLeft > .zero { return debounceLeft }
        do {
            return try await stageAndDeliver()
        } catch {
            logger.error("delivery could not read or write the store; trying again shortly", metadata: [
                "error": "\(error)", "retry_in": "\(Courier.storeRetry)",
            ])
            return Courier.storeRetry
        }
    }

    /// Scores and stages the changed periods, then posts each period's newest pending
    /// document that is due.
    private func stageAndDeliver() async throws -> Duration {
        try stageChanged()
        guard delivers else { return settings.interval }
        let now = Timestamp.now()
        let held = Array(state.withLock { $0.held.values })
        let due = try await store.writer.read { try Outbox.due($0, now: now, held: held) }
        for item in due {
            let task = Task { _ = await attempt(item) }
            // A stop() that came before the task was recorded must still cancel it.
            let stopped = state.withLock { s -> Bool in
                s.running = task
                return s.stopped
            }
            if stopped { task.cancel() }
            await task.value
            state.withLock { $0.running = nil }
            if state.withLock({ $0.stopped }) { return .zero }
        }
        let next = try await store.writer.read { try Outbox.nextDue($0) }
        guard let next else { return settings.interval }
        let micros = max(0, next.microseconds - Timestamp.now().microseconds)
        return min(.microseconds(micros), settings.interval)
    }

    /// One POST of one document, recorded in the store whatever happens.
    @discardableResult
    func attempt(_ item: OutboxItem) async -> DeliveryReport? {
        let key = item.idempotencyKey(office: office)
        var headers: [(name: String, value: String)] = [
            ("Content-Type", "application/json"),
            ("Idempotency-Key", key),
            ("User-Agent", "fieldsync/1"),
        ]
        if let file = settings.tokenFile {
            switch Courier.readToken(file) {
            case .success(let token):
                headers.append(("Authorization", "Bearer \(token)"))
            case .failure(let failure):
                // Nothing is sent without the token; the document waits for the next try.
                return record(item, key: key, status: nil, error: failure.message, verdict: .retry(after: nil))
            }
        }
        let request = HTTPRequest(url: settings.url, method: "POST", headers: headers, body: item.document,
                                  connectTimeout: min(settings.timeout, .seconds(10)), totalTimeout: settings.timeout,
                                  caFile: settings.caFile, clientCertificate: settings.clientCertificate,
                                  clientKey: settings.clientKey)
        let response: HTTPResponse
        do {
            response = try await CurlClient.perform(request)
        } catch {
            // Cancelled by stop(): not an attempt; the document stays pending as it was.
            if error.kind == .cancelled { return nil }
            return record(item, key: key, status: nil, error: "\(error)", verdict: .retry(after: nil))
        }
        let verdict = RetryPolicy.verdict(status: response.status, retryAfter: response.header("Retry-After"))
        let error = verdict == .delivered
            ? nil : "HTTP \(response.status): \(String(decoding: response.body.prefix(300), as: UTF8.self))"
        return record(item, key: key, status: response.status, error: error, verdict: verdict)
    }

    private func record(_ item: OutboxItem, key: String, status: Int?, error: String?, verdict: Verdict) -> DeliveryReport {
        let now = Timestamp.now()
        var next: Timestamp?
        let newState: OutboxState
        switch verdict {
        case .delivered:
            newState = .delivered
            logger.info("delivered", metadata: ["key": "\(key)", "status": "\(status ?? 0)"])
        case .dead:
            newState = .dead
            logger.error("central refused the document; it stays undelivered until a reload or `fieldsync push`", metadata: [
                "key": "\(key)", "status": "\(status.map(String.init) ?? "-")", "error": "\(error ?? "")",
            ])
        case .retry(let after):
            newState = .pending
            let failures = item.attempts + 1
            let delay = policy.delay(failures: failures, retryAfter: after)
            next = Timestamp(microseconds: now.microseconds + Int64(min(delay.seconds, 366 * 86_400) * 1_000_000))
            logger.warning("delivery failed; will retry", metadata: [
                "key": "\(key)", "status": "\(status.map(String.init) ?? "-")", "error": "\(error ?? "")",
                "retry_in": "\(String(format: "%.1fs", delay.seconds))",
            ])
        }
        do {
            try store.writer.write { db in
                try Outbox.record(db, item: item, at: now, status: status, error: error, newState: newState, nextAttemptAt: next)
            }
        } catch {
            logger.error("could not record a delivery attempt", metadata: ["key": "\(key)", "error": "\(error)"])
        }
        return DeliveryReport(key: key, status: status, error: error, verdict: verdict)
    }

    /// The bearer token: the file's first line, trimmed. Never logged.
    struct TokenError: Error { var message: String }

    static func readToken(_ path: String) -> Result<String, TokenError> {
        guard let data = FileManager.default.contents(atPath: path),
              let text = String(data: data, encoding: .utf8) else {
            return .failure(TokenError(message: "cannot read token_file \(path)"))
        }
        let token = text.split(whereSeparator: \.isNewline).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        guard !token.isEmpty else { return .failure(TokenError(message: "token_file \(path) is empty")) }
        return .success(token)
    }

    /// Scores the changed periods and stages their documents.
    func stageChanged() throws {
        for staged in try Outbox.stageChanged(store: store, office: office, schemes: schemes,
                                              maxSize: delivers ? settings.maxDocumentSize : nil, cache: cache) {
            state.withLock { $0.held[staged.period] = staged }
            logger.info("staged scores document", metadata: ["period": "\(staged.period)", "sequence": "\(staged.sequence)"])
        }
    }

    /// `fieldsync push`: stages what changed, revives dead documents and tries every
    /// pending one once, now.
    public func pushNow() async throws -> [DeliveryReport] {
        try stageChanged()
        let now = Timestamp.now()
        try await store.writer.write { try Outbox.revive($0, now: now) }
        let held = Array(state.withLock { $0.held.values })
        let due = try await store.writer.read { try Outbox.due($0, now: now, includeDead: true, held: held) }
        var reports: [DeliveryReport] = []
        for item in due {
            if let report = await attempt(item) { reports.append(report) }
        }
        return reports
    }
}
