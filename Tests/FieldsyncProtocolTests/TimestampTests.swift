import FieldsyncProtocol
import Foundation
import Testing

/// Instants as records, schemes and documents write them.
@Suite("Timestamp")
struct TimestampTests {
    static let shanghai = TimeZone(identifier: "Asia/Shanghai")!

    @Test("Accepted forms, and the instant each means",
          arguments: [
              ("2026-11-20", "2026-11-19T16:00:00Z"),  // a date: midnight in the scheme's zone
              ("2026-11-20T09:30:00+08:00", "2026-11-20T01:30:00Z"),
              ("2026-11-20 09:30:00+0800", "2026-11-20T01:30:00Z"),
              ("2026-11-20T01:30:00.25Z", "2026-11-20T01:30:00.25Z"),
              ("2026-11-20T01:30:00.000001Z", "2026-11-20T01:30:00.000001Z"),
              ("2024-02-29T00:00:00Z", "2024-02-29T00:00:00Z"),
              ("1970-01-01T00:00:00Z", "1970-01-01T00:00:00Z"),
          ])
    func parses(text: String, instant: String) {
        #expect(Timestamp.parse(text, zone: Self.shanghai)?.iso8601 == instant)
    }

    @Test("Refused: ambiguous or impossible times",
          arguments: ["2026-11-20T09:30:00", "2026-02-30", "2025-02-29", "2026-13-01", "2026-11-20T24:00:00Z",
                      "2026-11-20T09:60:00Z", "20261120", "2026-11-20T09:30:00+25:00", "", "tomorrow", "２０２６-11-20"])
    func refuses(text: String) {
        #expect(Timestamp.parse(text, zone: Self.shanghai) == nil)
    }

    @Test("Shown to people in the office's zone, to the second")
    func local() throws {
        let t = try #require(Timestamp.parse("2026-11-30T04:05:06.7Z", zone: .gmt))
        #expect(t.local(Self.shanghai) == "2026-11-30 12:05:06 +08:00")
        #expect(t.local(.gmt) == "2026-11-30 04:05:06 +00:00")
        #expect(t.iso8601Seconds == "2026-11-30T04:05:06Z")
    }

    @Test("RFC 3339 with an offset, as central requires of generated_at",
          arguments: [("2026-11-27T04:00:00Z", true), ("2026-11-27T12:00:00.5+08:00", true), ("2026-11-27 04:00:00Z", false),
                      ("2026-11-27T04:00:00", false), ("2026-11-27", false), ("2026-11-27T04:00:00+0800", false)])
    func rfc3339(text: String, valid: Bool) {
        #expect(Timestamp.isRFC3339(text) == valid)
    }

    /// Found by the fuzzer: midnight of 0000-01-01 at Shanghai's local mean time
    /// (+08:05:43 before 1901) is in the year −1, which four digits cannot write.
    @Test("Refused where the instant cannot be written back with four digits of year",
          arguments: ["0000-01-01", "0000-01-01T00:00:00+00:01", "9999-12-31T23:59:00-14:00"])
    func unrepresentable(text: String) {
        #expect(Timestamp.parse(text, zone: Self.shanghai) == nil)
    }

    @Test("The ends of what four digits write are read back",
          arguments: ["0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z", "0001-01-01"])
    func ends(text: String) throws {
        let t = try #require(Timestamp.parse(text, zone: Self.shanghai))
        #expect(Timestamp.parse(t.iso8601, zone: .gmt) == t)
    }

    @Test("Round trip through microseconds, before and after 1970")
    func roundTrip() {
        for micros: Int64 in [0, 1, -1, 1_764_475_200_123_456, -86_400_000_001] {
            let t = Timestamp(microseconds: micros)
            #expect(Timestamp.parse(t.iso8601, zone: .gmt) == t, "\(t.iso8601)")
        }
    }
}
