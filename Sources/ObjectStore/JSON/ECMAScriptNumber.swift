/// ECMAScript `Number.prototype.toString` for doubles: the number syntax of RFC 8785 (JCS).
///
/// Swift's `description` already yields the shortest digits that round-trip (the hard part);
/// only the layout differs (`1e-06`, `100.0`, `1e+16`), so this re-lays those digits out.
public enum ECMAScriptNumber {
    public static func format(_ value: Double) -> String {
        guard value.isFinite else {
            return value.isNaN ? "NaN" : (value < 0 ? "-Infinity" : "Infinity")
        }
        if value == 0 { return "0" }  // also -0
        // Integers below 2^53 are exact, and their shortest digits are the integer itself.
        if value.magnitude < 9_007_199_254_740_992, value == value.rounded(.towardZero) {
            return String(Int64(value))
        }
        let (digits, exponent) = shortestDigits(value.magnitude)
        var out = value < 0 ? "-" : ""
        out += layout(digits: digits, pointPosition: exponent)
        return out
    }

    /// Digits d1…dk (no leading or trailing zeros) and n with value = 0.d1…dk × 10^n.
    static func shortestDigits(_ magnitude: Double) -> (digits: [UInt8], pointPosition: Int) {
        var mantissa = magnitude.description.utf8[...]
        var exponent = 0
        if let e = mantissa.firstIndex(of: UInt8(ascii: "e")) {
            exponent = Int(String(decoding: mantissa[mantissa.index(after: e)...], as: UTF8.self))!
            mantissa = mantissa[..<e]
        }
        var digits: [UInt8] = []
        var digitsBeforePoint: Int?
        for c in mantissa {
            if c == UInt8(ascii: ".") {
                digitsBeforePoint = digits.count
            } else {
                digits.append(c - UInt8(ascii: "0"))
            }
        }
        let pointIndex = digitsBeforePoint ?? digits.count
        let leadingZeros = digits.prefix(while: { $0 == 0 }).count
        digits.removeFirst(leadingZeros)
        while digits.last == 0 { digits.removeLast() }
        return (digits, pointIndex - leadingZeros + exponent)
    }

    /// ECMA-262 Number::toString steps 6–12 for the digits and point position n.
    static func layout(digits: [UInt8], pointPosition n: Int) -> String {
        let k = digits.count
        var out = [UInt8]()
        out.reserveCapacity(k + 8)
        func appendDigits(_ range: Range<Int>) {
            for i in range { out.append(UInt8(ascii: "0") + digits[i]) }
        }
        if k <= n && n <= 21 {
            appendDigits(0..<k)
            out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: n - k))
        } else if 0 < n && n <= 21 {
            appendDigits(0..<n)
            out.append(UInt8(ascii: "."))
            appendDigits(n..<k)
        } else if -6 < n && n <= 0 {
            out.append(contentsOf: [UInt8(ascii: "0"), UInt8(ascii: ".")])
            out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: -n))
            appendDigits(0..<k)
        } else {
            appendDigits(0..<1)
            if k > 1 {
                out.append(UInt8(ascii: "."))
                appendDigits(1..<k)
            }
            out.append(UInt8(ascii: "e"))
            out.append(n - 1 < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
            out.append(contentsOf: String((n - 1).magnitude).utf8)
        }
        return String(decoding: out, as: UTF8.self)
    }
}
