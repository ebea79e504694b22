import FieldsyncModel
import FieldsyncProtocol

/// A scores document rendered once, as compact UTF-8, in the two parts around where
/// `sequence` and `generated_at` go: delivery hashes the content and stages the
/// document from the same bytes, without building or writing the document twice (a
/// 100 × 50 scheme's is close to a megabyte).
///
/// `content` is byte for byte `ScoresDocument.content(board, office:).rendered()`, and
/// `document(sequence:generatedAt:)` byte for byte
/// `ScoresDocument.document(board, office:sequence:generatedAt:).rendered()`.
public struct RenderedScores: Sendable {
    /// `{"schema":…,"office":…,"period":…,"scheme":{…}` — the object left open.
    let head: [UInt8]
    /// `"overall":{…},"units":[…]}` — the rest of the object.
    let tail: [UInt8]

    init(head: [UInt8], tail: [UInt8]) {
        self.head = head
        self.tail = tail
    }

    /// The document without `sequence` and `generated_at`: the bytes whose sha256
    /// decides whether a new sequence is due.
    public var content: [UInt8] {
        var out = head
        out.reserveCapacity(head.count + 1 + tail.count)
        out.append(UInt8(ascii: ","))
        out.append(contentsOf: tail)
        return out
    }

    /// The document as pushed.
    public func document(sequence: Int, generatedAt: Timestamp) -> [UInt8] {
        let stamp = ",\"sequence\":\(sequence),\"generated_at\":" + JSONValue.string(generatedAt.iso8601).rendered() + ","
        var out = head
        out.reserveCapacity(head.count + stamp.utf8.count + tail.count)
        out.append(contentsOf: stamp.utf8)
        out.append(contentsOf: tail)
        return out
    }
}
