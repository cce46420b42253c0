import Foundation

/// Times in allowed_signers `valid-after`/`valid-before` (OpenSSH `parse_absolute_time`):
/// `YYYYMMDD`, `YYYYMMDDHHMM` or `YYYYMMDDHHMMSS`, local time unless followed by `Z` (UTC).
enum OpenSSHTime {
    static func parse(_ text: String) -> Date? {
        var digits = Substring(text)
        var timeZone = TimeZone.current
        if digits.count > 1, digits.last == "Z" || digits.last == "z" {
            digits = digits.dropLast()
            timeZone = TimeZone(identifier: "UTC")!
        }
        guard [8, 12, 14].contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let fields = Array(digits)
        func number(_ from: Int, _ length: Int) -> Int { Int(String(fields[from..<from + length]))! }
        var components = DateComponents()
        components.year = number(0, 4)
        components.month = number(4, 2)
        components.day = number(6, 2)
        components.hour = fields.count >= 12 ? number(8, 2) : 0
        components.minute = fields.count >= 12 ? number(10, 2) : 0
        components.second = fields.count == 14 ? number(12, 2) : 0
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        guard let date = calendar.date(from: components) else { return nil }
        // Reject dates the calendar silently rolled over, such as 20230231.
        let back = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        guard back.year == components.year, back.month == components.month, back.day == components.day,
              back.hour == components.hour, back.minute == components.minute, back.second == components.second else {
            return nil
        }
        return date
    }
}
