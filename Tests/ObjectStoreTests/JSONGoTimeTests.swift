import Foundation
import XCTest
@testable import ObjectStore

/// Go's `time.Time` JSON form: strict RFC 3339 in, RFC3339Nano out, offsets kept.
final class JSONGoTimeTests: XCTestCase {
    func testParseAndFormatKeepTheWrittenOffset() throws {
        let micro = try XCTUnwrap(GoTime(rfc3339: "2026-02-14T00:00:00.123456Z"))
        XCTAssertEqual(micro.unixSeconds, 1_771_027_200)  // date -u -d 2026-02-14T00:00:00Z +%s
        XCTAssertEqual(micro.nanoseconds, 123_456_000)
        XCTAssertEqual(micro.offsetSeconds, 0)
        XCTAssertEqual(micro.rfc3339Nano, "2026-02-14T00:00:00.123456Z")

        let half = try XCTUnwrap(GoTime(rfc3339: "2026-02-14T00:00:00.5+02:00"))
        XCTAssertEqual(half.offsetSeconds, 7200)
        XCTAssertEqual(half.unixSeconds, 1_771_027_200 - 7200)
        XCTAssertEqual(half.rfc3339Nano, "2026-02-14T00:00:00.5+02:00")
        XCTAssertEqual(half.utc.rfc3339Nano, "2026-02-13T22:00:00.5Z")
        XCTAssertEqual(half.utc.offsetSeconds, 0)

        let cases: [(String, String)] = [
            ("2026-02-14T00:00:00.123456789123Z", "2026-02-14T00:00:00.123456789Z"),  // truncated to 9 digits
            ("2026-02-14T00:00:00.999999999999Z", "2026-02-14T00:00:00.999999999Z"),  // truncated, not rounded
            ("2026-02-14T00:00:00.100Z", "2026-02-14T00:00:00.1Z"),
            ("2026-02-14T00:00:00.000Z", "2026-02-14T00:00:00Z"),
            ("2026-02-14T00:00:00+00:00", "2026-02-14T00:00:00Z"),
            ("2026-02-14T00:00:00-00:00", "2026-02-14T00:00:00Z"),
            ("2026-02-14T23:59:59-00:30", "2026-02-14T23:59:59-00:30"),
            ("2026-02-14T05:06:07+23:59", "2026-02-14T05:06:07+23:59"),
            ("2024-02-29T12:00:00Z", "2024-02-29T12:00:00Z"),
            ("2000-02-29T12:00:00Z", "2000-02-29T12:00:00Z"),
            ("0000-01-01T00:00:00Z", "0000-01-01T00:00:00Z"),
            ("9999-12-31T23:59:59.999999999Z", "9999-12-31T23:59:59.999999999Z"),
            ("1969-12-31T23:59:59.000000001Z", "1969-12-31T23:59:59.000000001Z"),
        ]
        for (input, output) in cases {
            XCTAssertEqual(GoTime(rfc3339: input)?.rfc3339Nano, output, input)
        }
    }

    func testRejectsWhatGoRejects() {
        let invalid = [
            "2026-02-14t00:00:00Z", "2026-02-14T00:00:00z", "2026-02-14T00:00:00", "2026-02-14 00:00:00Z",
            "2026-02-30T00:00:00Z", "2023-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2026-13-01T00:00:00Z",
            "2026-00-01T00:00:00Z", "2026-01-00T00:00:00Z", "2026-02-14T24:00:00Z", "2026-02-14T23:60:00Z",
            "2026-02-14T23:59:60Z", "2026-2-14T00:00:00Z", "2026-02-14T0:00:00Z", "2026-02-14T00:00:00.Z",
            "2026-02-14T00:00:00,5Z", "2026-02-14T00:00:00+24:00", "2026-02-14T00:00:00+01:60",
            "2026-02-14T00:00:00+0100", "2026-02-14T00:00:00+02:00:00", "2026-02-14T00:00:00ZZ",
            "10000-01-01T00:00:00Z", "-0001-01-01T00:00:00Z", " 2026-02-14T00:00:00Z", "2026-02-14T00:00:00Z ",
            "+026-02-14T00:00:00Z", "2026-02-14T00:00:00.5", "", "2026-02-14",
        ]
        for text in invalid {
            XCTAssertNil(GoTime(rfc3339: text), text)
        }
    }

    func testZeroAndEpochs() throws {
        XCTAssertEqual(GoTime.zero.rfc3339Nano, "0001-01-01T00:00:00Z")
        XCTAssertTrue(GoTime.zero.isZero)
        XCTAssertEqual(GoTime(rfc3339: "0001-01-01T00:00:00Z"), .zero)
        let zeroElsewhere = try XCTUnwrap(GoTime(rfc3339: "0001-01-01T02:00:00+02:00"))
        XCTAssertTrue(zeroElsewhere.isZero, "IsZero looks at the instant")
        XCTAssertNotEqual(zeroElsewhere, .zero, "but equality also compares the offset, as Go's == does")
        XCTAssertEqual(zeroElsewhere.utc, .zero)
        XCTAssertFalse(try XCTUnwrap(GoTime(rfc3339: "0001-01-01T00:00:00.000000001Z")).isZero)

        XCTAssertEqual(GoTime.deterministicEpoch.rfc3339Nano, "1980-01-01T00:00:00Z")
        XCTAssertEqual(GoTime(unixSeconds: 0).rfc3339Nano, "1970-01-01T00:00:00Z")
    }

    func testInitNormalisesNanoseconds() {
        let before = GoTime(unixSeconds: 0, nanoseconds: -1)
        XCTAssertEqual(before.unixSeconds, -1)
        XCTAssertEqual(before.nanoseconds, 999_999_999)
        XCTAssertEqual(before.rfc3339Nano, "1969-12-31T23:59:59.999999999Z")
        let after = GoTime(unixSeconds: 10, nanoseconds: 1_500_000_000, offsetSeconds: -3600)
        XCTAssertEqual(after.unixSeconds, 11)
        XCTAssertEqual(after.nanoseconds, 500_000_000)
        XCTAssertEqual(after.rfc3339Nano, "1969-12-31T23:00:11.5-01:00")
    }

    func testOrderIsByInstantThenOffset() throws {
        let a = try XCTUnwrap(GoTime(rfc3339: "2026-02-14T01:00:00+02:00"))  // 23:00Z the day before
        let b = try XCTUnwrap(GoTime(rfc3339: "2026-02-13T23:30:00Z"))
        let c = try XCTUnwrap(GoTime(rfc3339: "2026-02-13T23:00:00Z"))
        XCTAssertLessThan(a, b)
        XCTAssertEqual([b, a, c].sorted().map(\.rfc3339Nano),
                       ["2026-02-13T23:00:00Z", "2026-02-14T01:00:00+02:00", "2026-02-13T23:30:00Z"])
        XCTAssertTrue(a != c && (a < c) != (c < a), "same instant, different offsets: still strictly ordered")
        XCTAssertEqual(Set([a, a.utc, c]).count, 2)
    }

    func testNowIsUTCWithFullPrecision() {
        let now = GoTime.now()
        XCTAssertEqual(now.offsetSeconds, 0)
        XCTAssertTrue((0..<1_000_000_000).contains(now.nanoseconds))
        XCTAssertLessThan(abs(Double(now.unixSeconds) - Date().timeIntervalSince1970), 5)
        XCTAssertTrue(now.rfc3339Nano.hasSuffix("Z"))
        XCTAssertEqual(GoTime(rfc3339: now.rfc3339Nano), now, "formatting loses nothing")
    }

    /// Calendar arithmetic over the whole range checked against Python's `datetime`.
    func testCalendarAgreesWithPython() throws {
        var generator = SystemRandomNumberGenerator()
        let minimum = GoTime.zero.unixSeconds  // 0001-01-01
        let maximum: Int64 = 253_402_300_799  // 9999-12-31T23:59:59Z
        var times: [GoTime] = [GoTime(unixSeconds: minimum + 86_400), GoTime(unixSeconds: maximum - 86_400),
                               GoTime(unixSeconds: 951_782_400), GoTime(unixSeconds: -2_203_891_200)]
        for _ in 0..<500 {
            let offset = Int32.random(in: -1439...1439, using: &generator) * 60
            times.append(GoTime(unixSeconds: Int64.random(in: (minimum + 86_400)...(maximum - 86_400), using: &generator),
                                nanoseconds: Int32.random(in: 0..<1_000_000_000, using: &generator),
                                offsetSeconds: offset))
        }
        let script = """
        import sys
        from datetime import datetime, timedelta, timezone
        epoch = datetime(1970, 1, 1, tzinfo=timezone.utc)
        for line in sys.stdin:
            seconds, offset = map(int, line.split())
            local = (epoch + timedelta(seconds=seconds)).astimezone(timezone(timedelta(seconds=offset)))
            print(local.replace(tzinfo=None).isoformat())
        """
        let input = times.map { "\($0.unixSeconds) \($0.offsetSeconds)\n" }.joined()
        let output = try JSONTestSupport.run("python3", ["-c", script], input: Array(input.utf8)).utf8String
        let expected = output.split(separator: "\n").map(String.init)
        XCTAssertEqual(expected.count, times.count)
        for (time, python) in zip(times, expected) {
            XCTAssertEqual(String(time.rfc3339Nano.prefix(19)), python, "\(time.unixSeconds) \(time.offsetSeconds)")
            XCTAssertEqual(GoTime(rfc3339: time.rfc3339Nano), time, "round trip of \(time.rfc3339Nano)")
        }
    }

    /// The in-place check that a stored time is in written form agrees with parsing it and
    /// formatting it back, on written times and on near misses of every part.
    func testWrittenFormCheckAgreesWithParseAndFormat() {
        var rng = SystemRandomNumberGenerator()
        var texts = ["2026-02-14T00:00:00Z", "2026-02-14T00:00:00.5Z", "2026-02-14T00:00:00.500Z", "2026-02-14T00:00:00.Z",
                     "2026-02-14T00:00:00.1234567891Z", "2026-02-14T00:00:00+00:00", "2026-02-14T00:00:00-00:00",
                     "2026-02-14T00:00:00+02:30", "2026-02-14T00:00:00.000000001-23:59", "2026-02-14T00:00:00+24:00",
                     "2024-02-29T23:59:59Z", "2026-02-29T00:00:00Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z",
                     "2026-02-14t00:00:00Z", "2026-02-14T00:00:60Z", "2026-13-01T00:00:00Z", "2026-02-14T00:00:00z",
                     "2026-02-14T00:00:00", "2026-02-14 00:00:00Z", "+026-02-14T00:00:00Z", "2026-02-14T00:00:00Zx",
                     GoTime.zero.rfc3339Nano]
        for _ in 0..<2_000 {
            let time = GoTime(unixSeconds: Int64.random(in: -62_135_596_800...253_402_300_799, using: &rng),
                              nanoseconds: [0, 500_000_000, Int32.random(in: 0..<1_000_000_000, using: &rng)].randomElement(using: &rng)!,
                              offsetSeconds: [0, 3600, -34_200, Int32.random(in: -86_399...86_399, using: &rng)].randomElement(using: &rng)!)
            var text = Array(time.rfc3339Nano.utf8)
            if Bool.random(using: &rng) {
                // One byte changed, dropped or added somewhere.
                let at = Int.random(in: 0..<text.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: text[at] = Array("0123456789+-:.TZ".utf8).randomElement(using: &rng)!
                case 1: text.remove(at: at)
                default: text.insert(Array("059.".utf8).randomElement(using: &rng)!, at: at)
                }
            }
            texts.append(String(decoding: text, as: UTF8.self))
        }
        var written = 0
        for text in texts {
            let reference = GoTime(rfc3339: text)?.rfc3339Nano == text
            if reference { written += 1 }
            let checked = Array(text.utf8).withUnsafeBufferPointer { GoTime.isRFC3339Nano($0) }
            XCTAssertEqual(checked, reference, text)
        }
        XCTAssertGreaterThan(written, 900, "most random times stay in written form")
        XCTAssertLessThan(written, texts.count - 500, "many near misses are not")
    }
}
