import FieldsyncProtocol
import Foundation
import Hummingbird

/// The JSON body of every answer to a push, success or refusal.
///
/// Success: `{"key":"ningde-rfb/2026/7","sequence":7,"status":"stored"}`.
/// Refusal: `{"error":"units[0].grade: must be …","field":"units[0].grade","status":"invalid"}`.
/// Keys are sorted so the same outcome always produces the same bytes — a replay gets
/// the very body the first push got.
struct PushReply: Encodable, Sendable {
    var status: String
    var key: String?
    var sequence: Int64?
    var error: String?
    var field: String?

    static func stored(_ identity: IdempotencyKey) -> PushReply {
        PushReply(status: "stored", key: identity.description, sequence: identity.sequence)
    }

    static func refused(_ status: String, _ error: String, field: String? = nil) -> PushReply {
        PushReply(status: status, error: error, field: field)
    }

    /// This reply as an HTTP response with the given status and extra headers.
    func response(_ httpStatus: HTTPResponse.Status, headers: HTTPFields = [:]) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var bytes = (try? encoder.encode(self)) ?? Data(#"{"status":"error"}"#.utf8)
        bytes.append(0x0A)
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: httpStatus, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
