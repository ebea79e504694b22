import FieldsyncProtocol
import Foundation
import Hummingbird
import Logging

/// Answers `POST /api/fieldsync/v1/scores`, the push protocol of SPEC §7.
///
/// The checks run in the order that gives the sender the most useful answer: who you
/// are (401), what you sent (415, 400, 413), whether it is a scores document (400, 422,
/// 413 for too many units), whether the key names it (422), whether your token may push
/// for its office (403), then storage (201, or 409 for a key reused with other content). A replay of a stored key with identical bytes answers exactly what
/// the first push got — `201` and the same body — plus `Idempotent-Replayed: true`,
/// and stores nothing.
struct ScoresPushHandler: Sendable {
    let store: any DocumentStorage
    let tokens: BearerTokens
    let maxBodySize: Int
    let maxUnits: Int
    let maxPeriods: Int
    let gate: PushGate
    let metrics: CentralMetrics

    func handle(_ request: Request, context: some RequestContext) async throws -> Response {
        // Once per push: with a province's tokens it compares each in constant time.
        let verdict = tokens.verdict(authorization: request.headers[.authorization])
        let office: String?
        if case .office(let o) = verdict { office = o } else { office = nil }
        do {
            let response = try await answer(request, verdict: verdict, context: context)
            metrics.countPush(office: office, status: response.status.code)
            return response
        } catch {
            // Hummingbird answers what was thrown (a body too slow, a cancelled read).
            metrics.countPush(office: office, status: (error as? any HTTPResponseError)?.status.code ?? 500)
            throw error
        }
    }

    private func answer(_ request: Request, verdict: BearerTokens.Verdict, context: some RequestContext) async throws -> Response {
        let logger = context.logger
        let authorization = request.headers[.authorization]
        guard case .office(let tokenOffice) = verdict else {
            let challenge =
                request.headers[.authorization] == nil
                ? #"Bearer realm="fieldsync""# : #"Bearer realm="fieldsync", error="invalid_token""#
            logger.notice("push refused: missing or unknown bearer token",
                          metadata: ["token": "\(BearerTokens.fingerprint(of: authorization) ?? "none")"])
            return PushReply.refused("unauthorized", "a valid Authorization: Bearer token is required")
                .response(.unauthorized, headers: [.wwwAuthenticate: challenge])
        }
        guard Self.isJSON(request.headers[.contentType]) else {
            return PushReply.refused("unsupported_media_type", "Content-Type must be application/json")
                .response(.unsupportedMediaType)
        }
        guard let key = request.headers[.idempotencyKey]?.trimmingCharacters(in: .whitespaces), !key.isEmpty
        else {
            return PushReply.refused(
                "bad_request", "the Idempotency-Key header (OFFICE/PERIOD/SEQUENCE) is required",
                field: "Idempotency-Key"
            ).response(.badRequest)
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBodySize {
            return tooLarge()
        }
        return try await gate.withTurn {
            do {
                return try await receive(request, key: key, tokenOffice: tokenOffice, authorization: authorization, logger: logger)
            } catch let error as StorageUnavailable {
                // Nothing was committed: the office retries (SPEC §7), and central
                // reconnects by itself when the database is back.
                logger.error("push not stored: the database is unavailable", metadata: ["key": "\(key)", "error": "\(error.underlying)"])
                return PushReply.refused("unavailable", "the database is unavailable; try again later")
                    .response(.serviceUnavailable, headers: [.retryAfter: "5"])
            }
        }
    }

    /// The rest of a push, in its turn: read, parse, check, store.
    private func receive(_ request: Request, key: String, tokenOffice: String?, authorization: String?,
                         logger: Logger) async throws -> Response {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maxBodySize)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            return tooLarge()  // NIO's "too many bytes", for bodies without Content-Length
        }
        let body = Array(buffer.readableBytesView)

        let document: JSONValue
        do {
            document = try JSONParser.parse(body)
        } catch {
            return PushReply.refused("bad_request", "the body is \(error)").response(.badRequest)
        }
        let identity: IdempotencyKey
        do {
            identity = try ScoresDocumentCheck.check(document)
        } catch {
            logger.notice("push refused: \(error)", metadata: ["key": "\(key)"])
            return PushReply.refused("invalid", error.description, field: error.field)
                .response(.unprocessableContent)
        }
        if case .array(let units)? = document["units"], units.count > maxUnits {
            return PushReply.refused("too_large", "the document holds \(units.count) units; this central takes at most \(maxUnits)",
                                     field: "units").response(.contentTooLarge)
        }
        guard key == identity.description else {
            return PushReply.refused(
                "invalid",
                "Idempotency-Key \"\(key)\" does not match the document's office/period/sequence \"\(identity.description)\"",
                field: "Idempotency-Key"
            ).response(.unprocessableContent)
        }

        if let tokenOffice, tokenOffice != identity.office {
            logger.warning("push refused: a token pushed for another office", metadata: [
                "token": "\(BearerTokens.fingerprint(of: authorization) ?? "none")", "token_office": "\(tokenOffice)",
                "document_office": "\(identity.office)",
            ])
            return PushReply.refused(
                "forbidden", "this token pushes for office \(tokenOffice), not for \(identity.office)", field: "office"
            ).response(.forbidden)
        }
        let outcome = try await StorageUnavailable.guarding {
            try await store.store(identity, body: body, receivedAt: Date(),
                                  tokenFingerprint: tokenOffice == nil ? nil : BearerTokens.fingerprint(of: authorization),
                                  maxPeriods: maxPeriods)
        }
        switch outcome {
        case .stored(let becameLatest):
            logger.info(
                "stored scores document",
                metadata: ["key": "\(identity.description)", "bytes": "\(body.count)", "latest": "\(becameLatest)"])
            return PushReply.stored(identity).response(.created)
        case .replayed:
            logger.info("replayed scores document; nothing stored", metadata: ["key": "\(identity.description)"])
            return PushReply.stored(identity).response(.created, headers: [.idempotentReplayed: "true"])
        case .conflict:
            logger.warning(
                "push refused: key already stored with other content", metadata: ["key": "\(identity.description)"])
            return PushReply.refused(
                "conflict",
                "\(identity.description) was already stored with different content; a changed document needs a new sequence",
                field: "Idempotency-Key"
            ).response(.conflict)
        case .tooManyPeriods:
            logger.warning("push refused: an office with too many periods", metadata: ["key": "\(identity.description)"])
            return PushReply.refused(
                "invalid", "office \(identity.office) has documents for \(maxPeriods) periods already; this central keeps at most \(maxPeriods) per office",
                field: "period"
            ).response(.unprocessableContent)
        }
    }

    private func tooLarge() -> Response {
        PushReply.refused("too_large", "the body is larger than \(maxBodySize) bytes").response(.contentTooLarge)
    }

    /// `application/json`, with or without parameters such as `; charset=utf-8`.
    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first ?? ""
        return mediaType.trimmingCharacters(in: .whitespaces).lowercased() == "application/json"
    }
}

/// The storage failed a push (the database went away, a disk is full): answered 503
/// with `Retry-After`, never a 2xx for what was not committed.
struct StorageUnavailable: Error {
    var underlying: any Error

    static func guarding<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch { throw StorageUnavailable(underlying: error) }
    }
}
