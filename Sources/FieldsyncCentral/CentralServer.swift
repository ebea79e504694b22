import FieldsyncProtocol
import FieldsyncReport
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import NIOCore

/// The reference central receiver: a Hummingbird application over a ``DocumentStore``.
///
/// Routes:
/// - `POST /api/fieldsync/v1/scores` — the push protocol (see ``ScoresPushHandler``);
/// - `GET /api/fieldsync/v1/offices/:office/periods/:period` — the latest document, raw;
/// - `GET /api/fieldsync/v1/offices`, `…/offices/:office/periods`,
///   `…/offices/:office/periods/:period/sequences` and `…/sequences/:sequence` — the
///   history: offices, their periods, the stored sequences with when they arrived and
///   the fingerprint of the token that pushed them, and each document byte for byte;
/// - `GET /` — the HTML city scoreboard (``ScoreboardPage``), linking to
/// - `GET /report/:office/:period` — the report of the latest document (``Report``, the
///   renderer of `fieldsync report`: the same page for the same document);
/// - `GET /healthz` — 200 when the database answers.
///
/// Tests build the app with ``makeApplication(onListening:)`` and drive it with
/// HummingbirdTesting; the executable calls ``run(onListening:)``.
public struct CentralServer: Sendable {
    public static let scoresPath = "/api/fieldsync/v1/scores"
    public static let documentPath = "/api/fieldsync/v1/offices/:office/periods/:period"
    public static let reportPath = "/report/:office/:period"
    public static let officesPath = "/api/fieldsync/v1/offices"
    public static let periodsPath = "/api/fieldsync/v1/offices/:office/periods"
    public static let sequencesPath = "/api/fieldsync/v1/offices/:office/periods/:period/sequences"
    public static let sequencePath = "/api/fieldsync/v1/offices/:office/periods/:period/sequences/:sequence"

    public let configuration: CentralConfiguration
    public let store: any DocumentStorage
    /// The scoreboard page, rendered once per document stored, not per request.
    let page = PageCache()
    /// Each office and period's report, rendered once per sequence.
    let reports = ReportCache()
    /// What `/metrics` shows (``CentralMetrics``).
    let metrics = CentralMetrics()
    /// Pushes handled a few at a time (`concurrentPushes`, see ``PushGate``).
    let gate: PushGate

    /// Opens (or creates) the database named in `configuration`.
    public init(configuration: CentralConfiguration) throws {
        self.init(configuration: configuration, store: try DocumentStore(path: configuration.databasePath))
    }

    /// Uses an already open store.
    public init(configuration: CentralConfiguration, store: any DocumentStorage) {
        self.configuration = configuration
        self.store = store
        gate = PushGate(turns: configuration.concurrentPushes)
    }

    /// The routes, for embedding in another Hummingbird application.
    public func makeRouter() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        let store = self.store
        let push = ScoresPushHandler(
            store: store, tokens: configuration.tokens, maxBodySize: configuration.maxBodySize,
            maxUnits: configuration.maxUnits, maxPeriods: configuration.maxPeriods, gate: gate, metrics: metrics)
        let page = self.page

        router.post(RouterPath(Self.scoresPath)) { request, context in
            try await push.handle(request, context: context)
        }
        router.get(RouterPath(Self.documentPath)) { _, context in
            guard let office = context.parameters.get("office")?.removingPercentEncoding,
                let period = context.parameters.get("period")?.removingPercentEncoding,
                let document = try await store.latest(office: office, period: period)
            else {
                return PushReply.refused("not_found", "no scores document for this office and period")
                    .response(.notFound)
            }
            return Response(
                status: .ok,
                headers: [
                    .contentType: "application/json",
                    .fieldsyncSequence: "\(document.identity.sequence)",
                ],
                body: .init(byteBuffer: ByteBuffer(bytes: document.body)))
        }
        router.get(RouterPath(Self.officesPath)) { _, _ in
            let offices = try await store.offices()
            return Self.json(.object([("offices", .array(offices.map { o in
                .object([("office", .string(o.office)), ("periods", .number(o.periods)), ("last_push_at", .string(o.lastPushAt))])
            }))]))
        }
        router.get(RouterPath(Self.periodsPath)) { _, context in
            guard let office = context.parameters.get("office")?.removingPercentEncoding else { return Self.notFound() }
            let periods = try await store.periods(office: office)
            guard !periods.isEmpty else { return Self.notFound() }
            return Self.json(.object([("office", .string(office)), ("periods", .array(periods.map { p in
                .object([("period", .string(p.period)), ("latest_sequence", .number(Int(p.latestSequence))),
                         ("sequences", .number(p.sequences)), ("last_push_at", .string(p.lastPushAt))])
            }))]))
        }
        router.get(RouterPath(Self.sequencesPath)) { _, context in
            guard let office = context.parameters.get("office")?.removingPercentEncoding,
                  let period = context.parameters.get("period")?.removingPercentEncoding else { return Self.notFound() }
            let sequences = try await store.sequences(office: office, period: period)
            guard !sequences.isEmpty else { return Self.notFound() }
            return Self.json(.object([("office", .string(office)), ("period", .string(period)), ("sequences", .array(sequences.map { s in
                .object([("sequence", .number(Int(s.sequence))), ("received_at", .string(s.receivedAt)),
                         ("token_fingerprint", s.tokenFingerprint.map(JSONValue.string) ?? .null)])
            }))]))
        }
        router.get(RouterPath(Self.sequencePath)) { _, context in
            guard let office = context.parameters.get("office")?.removingPercentEncoding,
                  let period = context.parameters.get("period")?.removingPercentEncoding,
                  let sequence = context.parameters.get("sequence").flatMap({ Int64($0) }),
                  let document = try await store.document(office: office, period: period, sequence: sequence)
            else { return Self.notFound() }
            return Response(status: .ok, headers: [.contentType: "application/json", .fieldsyncSequence: "\(sequence)"],
                            body: .init(byteBuffer: ByteBuffer(bytes: document.body)))
        }
        let reports = self.reports
        router.get(RouterPath(Self.reportPath)) { _, context in
            guard let office = context.parameters.get("office")?.removingPercentEncoding,
                let period = context.parameters.get("period")?.removingPercentEncoding,
                let stored = try await store.latest(office: office, period: period)
            else {
                return Response(status: .notFound, headers: [.contentType: "text/plain; charset=utf-8"],
                                body: .init(byteBuffer: ByteBuffer(string: "没有该单位和期间的评分文档 No scores document for this office and period\n")))
            }
            return Response(
                status: .ok,
                headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(bytes: await reports.page(for: stored))))
        }
        router.get("/") { request, _ in
            let number = request.uri.queryParameters.get("page").flatMap { Int($0) }.map { max(0, min($0, 1_000_000)) } ?? 0
            return Response(
                status: .ok,
                headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(bytes: try await page.current(store, page: number))))
        }
        let metrics = self.metrics
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: await metrics.text(store: store))))
        }
        router.get("/healthz") { _, _ in
            let healthy = await store.isHealthy()
            return Response(
                status: healthy ? .ok : .serviceUnavailable,
                headers: [.contentType: "text/plain; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: healthy ? "ok\n" : "database unavailable\n")))
        }
        return router
    }

    /// A JSON answer of the history API.
    static func json(_ value: JSONValue) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(string: value.rendered(pretty: true) + "\n")))
    }

    static func notFound() -> Response {
        PushReply.refused("not_found", "nothing stored for this office, period or sequence").response(.notFound)
    }

    /// The Hummingbird application. `onListening` gets the port actually bound (useful
    /// with port 0) once the server accepts connections.
    public func makeApplication(
        onListening: @escaping @Sendable (_ port: Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let connections = ConnectionGuard.Count(limit: configuration.maxConnections)
        let deadline = TimeAmount.nanoseconds(Int64(configuration.requestDeadline.components.seconds) * 1_000_000_000
            + configuration.requestDeadline.components.attoseconds / 1_000_000_000)
        var server = HTTPServerBuilder.http1(configuration: .init(
            additionalChannelHandlers: [ConnectionGuard(deadline: deadline, connections: connections)]))
        if let tls = configuration.tls {
            // Checked when it was made (CentralConfiguration.tls(certificate:key:)).
            server = try! .tls(server, tlsConfiguration: tls)
        }
        return Application(
            router: makeRouter(),
            server: server,
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: "fieldsync-central"),
            onServerRunning: { channel in
                await onListening(channel.localAddress?.port ?? 0)
            },
            logger: configuration.logger)
    }

    /// Runs until SIGTERM or SIGINT, then shuts down gracefully (in-flight requests finish).
    public func run(onListening: @escaping @Sendable (_ port: Int) async -> Void = { _ in }) async throws {
        try await makeApplication(onListening: onListening).runService()
    }
}
