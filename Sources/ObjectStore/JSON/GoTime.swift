#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Go's `time.Time` as `encoding/json` reads and writes it: an instant with nanosecond
/// precision plus the UTC offset it was written with.
///
/// The offset matters because gait keeps it: a time parsed as `…+02:00` is written back as
/// `…+02:00`, and that text is hashed. Equality compares instant and offset (as Go's `==`
/// does); the order is by instant, then by offset, so it agrees with equality.
public struct GoTime: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Seconds since 1970-01-01T00:00:00Z.
    public var unixSeconds: Int64
    /// 0 ..< 1_000_000_000.
    public var nanoseconds: Int32
    /// Seconds east of UTC.
    public var offsetSeconds: Int32

    /// Go's zero `time.Time`: 0001-01-01T00:00:00Z, written by gait for unset time fields.
    public static let zero = GoTime(unixSeconds: -62_135_596_800)

    /// 1980-01-01T00:00:00Z, the timestamp of every deterministic zip entry.
    public static let deterministicEpoch = GoTime(unixSeconds: 315_532_800)

    /// Out-of-range nanoseconds carry into the seconds.
    public init(unixSeconds: Int64, nanoseconds: Int32 = 0, offsetSeconds: Int32 = 0) {
        let carry = Int64(nanoseconds).floorDiv(1_000_000_000)
        self.unixSeconds = unixSeconds + carry
        self.nanoseconds = Int32(Int64(nanoseconds) - carry * 1_000_000_000)
        self.offsetSeconds = offsetSeconds
    }

    /// The current time in UTC, as precise as the system clock.
    public static func now() -> GoTime {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return GoTime(unixSeconds: Int64(spec.tv_sec), nanoseconds: Int32(spec.tv_nsec))
    }

    /// The same instant with offset 0.
    public var utc: GoTime {
        GoTime(unixSeconds: unixSeconds, nanoseconds: nanoseconds)
    }

    /// Go's `IsZero`: the instant 0001-01-01T00:00:00Z, whatever the offset.
    public var isZero: Bool {
        unixSeconds == GoTime.zero.unixSeconds && nanoseconds == 0
    }

    public static func < (lhs: GoTime, rhs: GoTime) -> Bool {
        (lhs.unixSeconds, lhs.nanoseconds, lhs.offsetSeconds) < (rhs.unixSeconds, rhs.nanoseconds, rhs.offsetSeconds)
    }

    public var description: String { rfc3339Nano }
}

// MARK: - Parsing

extension GoTime {
    /// Go's `Time.UnmarshalJSON` of the string's content (strict RFC 3339): `YYYY-MM-DDTHH:MM:SS`
    /// with upper-case `T`, an optional `.` and one or more fraction digits (those past the
    /// ninth dropped), then `Z` or `±hh:mm`. Fields are range-checked, including the day of
    /// the month; leap seconds are refused.
    public init?(rfc3339 text: String) {
        var text = text
        guard let fields = text.withUTF8({ RFC3339Fields(parsing: $0) }) else { return nil }
        let days = CivilDate.daysSinceEpoch(year: fields.year, month: fields.month, day: fields.day)
        let local = Int64(days) * 86_400 + Int64(fields.hour * 3600 + fields.minute * 60 + fields.second)
        self.init(unixSeconds: local - Int64(fields.offsetSeconds), nanoseconds: Int32(fields.nanoseconds),
                  offsetSeconds: Int32(fields.offsetSeconds))
    }

    /// Whether `s` is exactly what `rfc3339Nano` writes for some time, i.e. `GoTime(rfc3339:)`
    /// accepts it and formats it back to the same bytes; checked in place, without either, for
    /// scans that meet one time per stored record.
    static func isRFC3339Nano(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let fields = RFC3339Fields(parsing: s) else { return false }
        // One to nine fraction digits, the last not a zero (Go trims them), or no fraction.
        if let fraction = fields.fraction, fraction.count > 9 || s[fraction.upperBound - 1] == UInt8(ascii: "0") {
            return false
        }
        // A zero offset is written `Z`.
        return fields.zoneIsZ || fields.offsetSeconds != 0
    }
}

/// The fields of a strict RFC 3339 time, read as `GoTime(rfc3339:)` describes and range-checked,
/// with where its fraction is and how its zone was written, for the round-trip check.
private struct RFC3339Fields {
    var year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0
    /// The fraction's first nine digits, as nanoseconds.
    var nanoseconds = 0
    /// Where the fraction's digits are (at least one), when there is a fraction.
    var fraction: Range<Int>?
    var offsetSeconds = 0
    /// The zone was written `Z`, not as a `±hh:mm` offset.
    var zoneIsZ = false

    init?(parsing s: UnsafeBufferPointer<UInt8>) {
        guard s.count >= 20 else { return nil }
        func number(_ range: Range<Int>, _ bounds: ClosedRange<Int>) -> Int? {
            var value = 0
            for i in range {
                guard JSONNumber.isDigit(s[i]) else { return nil }
                value = value * 10 + Int(s[i] - UInt8(ascii: "0"))
            }
            return bounds.contains(value) ? value : nil
        }
        guard s[4] == UInt8(ascii: "-"), s[7] == UInt8(ascii: "-"), s[10] == UInt8(ascii: "T"),
              s[13] == UInt8(ascii: ":"), s[16] == UInt8(ascii: ":"),
              let year = number(0..<4, 0...9999), let month = number(5..<7, 1...12),
              let day = number(8..<10, 1...CivilDate.daysIn(month: month, year: year)),
              let hour = number(11..<13, 0...23), let minute = number(14..<16, 0...59),
              let second = number(17..<19, 0...59)
        else { return nil }
        (self.year, self.month, self.day, self.hour, self.minute, self.second) = (year, month, day, hour, minute, second)

        var i = 19
        if i + 1 < s.count, s[i] == UInt8(ascii: "."), JSONNumber.isDigit(s[i + 1]) {
            i += 1
            let start = i
            var scale = 100_000_000
            while i < s.count, JSONNumber.isDigit(s[i]) {
                nanoseconds += Int(s[i] - UInt8(ascii: "0")) * scale
                scale /= 10
                i += 1
            }
            fraction = start..<i
        }

        if s.count - i == 1 && s[i] == UInt8(ascii: "Z") {
            zoneIsZ = true
        } else {
            guard s.count - i == 6, s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-"),
                  s[i + 3] == UInt8(ascii: ":"),
                  let zoneHour = number(i + 1..<i + 3, 0...23), let zoneMinute = number(i + 4..<i + 6, 0...59)
            else { return nil }
            offsetSeconds = (zoneHour * 60 + zoneMinute) * 60 * (s[i] == UInt8(ascii: "-") ? -1 : 1)
        }
    }
}

// MARK: - Formatting

extension GoTime {
    /// Go's `time.RFC3339Nano` layout: fraction without trailing zeros (none when zero),
    /// `Z` for offset 0, else `±hh:mm`.
    public var rfc3339Nano: String {
        let local = unixSeconds + Int64(offsetSeconds)
        let days = local.floorDiv(86_400)
        let secondOfDay = Int(local - days * 86_400)
        let date = CivilDate(daysSinceEpoch: days)

        var out = ""
        if date.year < 0 { out += "-" }
        out += Self.padded(date.year.magnitude, 4)
        out += "-" + Self.padded(UInt(date.month), 2) + "-" + Self.padded(UInt(date.day), 2)
        out += "T" + Self.padded(UInt(secondOfDay / 3600), 2) + ":" + Self.padded(UInt(secondOfDay / 60 % 60), 2)
        out += ":" + Self.padded(UInt(secondOfDay % 60), 2)
        if nanoseconds != 0 {
            var fraction = Self.padded(UInt(nanoseconds), 9)
            while fraction.hasSuffix("0") { fraction.removeLast() }
            out += "." + fraction
        }
        if offsetSeconds == 0 {
            out += "Z"
        } else {
            // Go prints whole minutes, truncating toward zero, with the sign of those minutes.
            var minutes = Int(offsetSeconds) / 60
            out += minutes < 0 ? "-" : "+"
            minutes = abs(minutes)
            out += Self.padded(UInt(minutes / 60), 2) + ":" + Self.padded(UInt(minutes % 60), 2)
        }
        return out
    }

    private static func padded(_ value: UInt, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

// MARK: - Calendar

/// Proleptic Gregorian dates, as Go's `time` package uses (H. Hinnant's civil-date algorithms).
struct CivilDate {
    var year: Int
    var month: Int
    var day: Int

    init(daysSinceEpoch days: Int64) {
        let z = days + 719_468
        let era = z.floorDiv(146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        day = Int(dayOfYear - (153 * shiftedMonth + 2) / 5 + 1)
        month = Int(shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9)
        year = Int(yearOfEra + era * 400) + (month <= 2 ? 1 : 0)
    }

    static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = y.floorDiv(400)
        let yearOfEra = y - era * 400
        let m = Int64(month)
        let dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

extension Int64 {
    /// Division rounding toward negative infinity, for times before 1970.
    func floorDiv(_ divisor: Int64) -> Int64 {
        let q = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? q - 1 : q
    }
}
