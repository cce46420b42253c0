/// Go's `strconv.Quote` rules, which shape the text of Go's JSON error messages.
enum GoQuoting {
    /// `strconv.Quote(s)`: printable characters as they are, the rest escaped.
    static func quote(_ text: String) -> String {
        "\"" + text.unicodeScalars.map { escape($0, quote: "\"") }.joined() + "\""
    }

    /// Go's `json` scanner `quoteChar`: the byte read as the code point U+00XX, in single quotes.
    static func quoteByte(_ byte: UInt8) -> String {
        switch byte {
        case UInt8(ascii: "'"): return "'\\''"
        case UInt8(ascii: "\""): return "'\"'"
        default: return "'" + escape(Unicode.Scalar(byte), quote: "\"") + "'"
        }
    }

    private static func escape(_ scalar: Unicode.Scalar, quote: Character) -> String {
        switch scalar {
        case "\u{07}": return "\\a"
        case "\u{08}": return "\\b"
        case "\u{0C}": return "\\f"
        case "\n": return "\\n"
        case "\r": return "\\r"
        case "\t": return "\\t"
        case "\u{0B}": return "\\v"
        case "\\": return "\\\\"
        default: break
        }
        if Character(scalar) == quote { return "\\" + String(quote) }
        if isPrintable(scalar) { return String(scalar) }
        let value = scalar.value
        if value < 0x80 { return "\\x" + hex(value, width: 2) }
        if value < 0x10000 { return "\\u" + hex(value, width: 4) }
        return "\\U" + hex(value, width: 8)
    }

    /// Go's `strconv.IsPrint`: letters, marks, numbers, punctuation, symbols and ASCII space.
    private static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value < 0x80 { return scalar.value >= 0x20 && scalar.value < 0x7F }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .nonspacingMark, .spacingMark, .enclosingMark,
             .decimalNumber, .letterNumber, .otherNumber,
             .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation,
             .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
            return true
        default:
            return false
        }
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
