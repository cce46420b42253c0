/// RFC 8259 parsing with the behaviour of Go's `json.Unmarshal` into `any`: the same accepted
/// language, the same first error and message, invalid UTF-8 and unpaired surrogate escapes
/// replaced by U+FFFD, and the same nesting limit.
///
/// The parser keeps its own stack instead of recursing, so a document nested 10,000 deep
/// needs no more than a few hundred kilobytes whatever thread it runs on.
public enum JSONParser {
    /// Go's `maxNestingDepth`: arrays and objects open at once.
    public static let maxDepth = 10_000

    /// One JSON value; whitespace may follow it, anything else is an error.
    public static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        try bytes.withUnsafeBufferPointer { buffer in
            var parser = JSONByteParser(input: buffer)
            return try parser.parseDocument()
        }
    }

    public static func parse(_ text: String) throws -> JSONValue {
        try parse(Array(text.utf8))
    }
}

/// The parsing state over one input buffer.
struct JSONByteParser {
    private let input: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var stack: [OpenContainer] = []
    /// Reused for strings that need unescaping or UTF-8 repair.
    private var scratch: [UInt8] = []

    /// An array or object whose closing bracket has not been read yet.
    private struct OpenContainer {
        let isObject: Bool
        var elements: [JSONValue] = []
        var members: [JSONObject.Member] = []
        var pendingKey = ""
    }

    init(input: UnsafeBufferPointer<UInt8>) {
        self.input = input
    }

    mutating func parseDocument() throws -> JSONValue {
        nextValue: while true {
            guard var value = try parseValueStart() else { continue nextValue }
            // A value is complete: hand it to its container, then read what follows it,
            // closing as many containers as the input closes.
            while true {
                guard !stack.isEmpty else {
                    skipWhitespace()
                    if index < input.count {
                        throw JSONError.invalidCharacter(input[index], "after top-level value", at: index)
                    }
                    return value
                }
                let top = stack.count - 1
                if stack[top].isObject {
                    stack[top].members.append((key: stack[top].pendingKey, value: value))
                } else {
                    stack[top].elements.append(value)
                }
                let c = try nextNonWhitespace()
                if stack[top].isObject {
                    if c == UInt8(ascii: ",") {
                        index += 1
                        stack[top].pendingKey = try parseKey()
                        continue nextValue
                    }
                    guard c == UInt8(ascii: "}") else {
                        throw JSONError.invalidCharacter(c, "after object key:value pair", at: index)
                    }
                } else {
                    if c == UInt8(ascii: ",") {
                        index += 1
                        continue nextValue
                    }
                    guard c == UInt8(ascii: "]") else {
                        throw JSONError.invalidCharacter(c, "after array element", at: index)
                    }
                }
                index += 1
                let closed = stack.removeLast()
                value = closed.isObject
                    ? .object(JSONObject(parsedMembers: closed.members)) : .array(closed.elements)
            }
        }
    }

    /// Reads the start of a value: a whole scalar or empty container (returned), or the
    /// opening of a non-empty container (pushed; nil returned, its first value comes next).
    private mutating func parseValueStart() throws -> JSONValue? {
        let c = try nextNonWhitespace()
        switch c {
        case UInt8(ascii: "{"):
            try open(c)
            if try nextNonWhitespace() == UInt8(ascii: "}") {
                index += 1
                return .object(JSONObject())
            }
            stack.append(OpenContainer(isObject: true))
            stack[stack.count - 1].pendingKey = try parseKey()
            return nil
        case UInt8(ascii: "["):
            try open(c)
            if try nextNonWhitespace() == UInt8(ascii: "]") {
                index += 1
                return .array([])
            }
            stack.append(OpenContainer(isObject: false))
            return nil
        case UInt8(ascii: "\""):
            index += 1
            return .string(try parseStringBody())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(try parseNumber())
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        default:
            throw JSONError.invalidCharacter(c, "looking for beginning of value", at: index)
        }
    }

    /// Consumes `{` or `[`, enforcing Go's depth limit where Go does (on the bracket itself).
    private mutating func open(_ bracket: UInt8) throws {
        guard stack.count < JSONParser.maxDepth else {
            throw JSONError.invalidCharacter(bracket, "exceeded max depth", at: index)
        }
        index += 1
    }

    /// Reads `"key"` and the `:` after it.
    private mutating func parseKey() throws -> String {
        let quote = try nextNonWhitespace()
        guard quote == UInt8(ascii: "\"") else {
            throw JSONError.invalidCharacter(quote, "looking for beginning of object key string", at: index)
        }
        index += 1
        let key = try parseStringBody()
        let colon = try nextNonWhitespace()
        guard colon == UInt8(ascii: ":") else {
            throw JSONError.invalidCharacter(colon, "after object key", at: index)
        }
        index += 1
        return key
    }

    private mutating func expectLiteral(_ word: StaticString) throws {
        let name = word.description
        let bytes = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        index += 1
        for expected in bytes.dropFirst() {
            guard index < input.count else { throw JSONError.unexpectedEnd(at: input.count) }
            let c = input[index]
            guard c == expected else {
                let want = String(UnicodeScalar(expected))
                throw JSONError.invalidCharacter(c, "in literal \(name) (expecting '\(want)')", at: index)
            }
            index += 1
        }
    }

    // MARK: Numbers

    /// Reads a number by Go's scanner states; the byte after it is left for the caller to judge.
    private mutating func parseNumber() throws -> JSONNumber {
        let start = index
        if input[index] == UInt8(ascii: "-") {
            index += 1
            let c = try current()
            guard JSONNumber.isDigit(c) else { throw JSONError.invalidCharacter(c, "in numeric literal", at: index) }
        }
        if input[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            skipDigits()
        }
        if index < input.count, input[index] == UInt8(ascii: ".") {
            index += 1
            let c = try current()
            guard JSONNumber.isDigit(c) else {
                throw JSONError.invalidCharacter(c, "after decimal point in numeric literal", at: index)
            }
            skipDigits()
        }
        if index < input.count, input[index] == UInt8(ascii: "e") || input[index] == UInt8(ascii: "E") {
            index += 1
            if try current() == UInt8(ascii: "+") || input[index] == UInt8(ascii: "-") {
                index += 1
            }
            let c = try current()
            guard JSONNumber.isDigit(c) else {
                throw JSONError.invalidCharacter(c, "in exponent of numeric literal", at: index)
            }
            skipDigits()
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: input[start..<index]), as: UTF8.self)
        return JSONNumber(validatedLiteral: text)
    }

    private mutating func skipDigits() {
        while index < input.count, JSONNumber.isDigit(input[index]) { index += 1 }
    }

    // MARK: Strings

    /// Reads a string after its opening quote, through its closing quote.
    ///
    /// Strings with no escapes and valid UTF-8 (nearly all) are copied once; the others are
    /// rebuilt in `scratch` the way Go's `unquote` does.
    private mutating func parseStringBody() throws -> String {
        let start = index
        var runStart = index
        var rebuilt = false
        scratch.removeAll(keepingCapacity: true)
        while true {
            guard index < input.count else { throw JSONError.unexpectedEnd(at: input.count) }
            let c = input[index]
            if c == UInt8(ascii: "\"") { break }
            if c >= 0x20 && c < 0x80 && c != UInt8(ascii: "\\") {
                index += 1
            } else if c >= 0x80 {
                let length = UTF8Validation.sequenceLength(in: input, at: index)
                if length > 0 {
                    index += length
                } else {
                    scratch.append(contentsOf: input[runStart..<index])
                    scratch.append(contentsOf: UTF8Validation.replacementCharacter)
                    rebuilt = true
                    index += 1
                    runStart = index
                }
            } else if c == UInt8(ascii: "\\") {
                scratch.append(contentsOf: input[runStart..<index])
                rebuilt = true
                try parseEscape()
                runStart = index
            } else {
                throw JSONError.invalidCharacter(c, "in string literal", at: index)
            }
        }
        defer { index += 1 }
        if !rebuilt {
            return String(decoding: UnsafeBufferPointer(rebasing: input[start..<index]), as: UTF8.self)
        }
        scratch.append(contentsOf: input[runStart..<index])
        return String(decoding: scratch, as: UTF8.self)
    }

    /// Decodes one escape at `index` (a backslash) into `scratch`.
    private mutating func parseEscape() throws {
        index += 1
        let c = try current()
        index += 1
        switch c {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(c)
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "u"):
            var unit = try parseHex4()
            if UTF16.isLeadSurrogate(unit), let low = try peekLowSurrogateEscape() {
                index += 6
                let scalar = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
                appendUTF8(Unicode.Scalar(scalar)!)
                return
            }
            if UTF16.isLeadSurrogate(unit) || UTF16.isTrailSurrogate(unit) {
                unit = 0xFFFD  // Go: an unpaired surrogate decodes to U+FFFD
            }
            appendUTF8(Unicode.Scalar(unit)!)
        default:
            throw JSONError.invalidCharacter(c, "in string escape code", at: index - 1)
        }
    }

    private mutating func parseHex4() throws -> UInt16 {
        var unit: UInt16 = 0
        for _ in 0..<4 {
            let c = try current()
            guard let digit = UTF8Validation.hexValue(c) else {
                throw JSONError.invalidCharacter(c, "in \\u hexadecimal character escape", at: index)
            }
            unit = unit << 4 | UInt16(digit)
            index += 1
        }
        return unit
    }

    /// The low half of a surrogate pair when a well-formed `\uDC00`–`\uDFFF` escape follows;
    /// anything else leaves the input to be read normally (Go pairs nothing else).
    private func peekLowSurrogateEscape() throws -> UInt16? {
        guard index + 6 <= input.count, input[index] == UInt8(ascii: "\\"), input[index + 1] == UInt8(ascii: "u")
        else { return nil }
        var unit: UInt16 = 0
        for offset in 2..<6 {
            guard let digit = UTF8Validation.hexValue(input[index + offset]) else { return nil }
            unit = unit << 4 | UInt16(digit)
        }
        return UTF16.isTrailSurrogate(unit) ? unit : nil
    }

    private mutating func appendUTF8(_ scalar: Unicode.Scalar) {
        UTF8.encode(scalar) { scratch.append($0) }
    }

    // MARK: Bytes

    private func current() throws -> UInt8 {
        guard index < input.count else { throw JSONError.unexpectedEnd(at: input.count) }
        return input[index]
    }

    /// Skips JSON whitespace and returns the next byte without consuming it.
    private mutating func nextNonWhitespace() throws -> UInt8 {
        skipWhitespace()
        return try current()
    }

    private mutating func skipWhitespace() {
        while index < input.count {
            switch input[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }
}
