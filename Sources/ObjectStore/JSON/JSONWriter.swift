/// Writes a `JSONValue` compactly in one of the dialects gait and Decision Gate emit. It walks the
/// value with its own stack, so nesting depth costs heap, not thread stack.
struct JSONWriter {
    enum Dialect {
        /// RFC 8785 as gowebpki/jcs writes it.
        case canonical
        /// Go's `json.Marshal` of decoded data: map keys by bytes, HTML-safe escaping.
        case goMarshal
        /// serde_jcs 0.1.0 over a `serde_json::Value`, as Decision Gate hashes: strings as in RFC
        /// 8785, but members sorted by the bytes of the *escaped, quoted* key, the last duplicate
        /// winning, and integers that fit i64/u64 written exactly instead of through a double.
        case decisionGate
    }

    let dialect: Dialect
    var out: [UInt8] = []

    init(dialect: Dialect) {
        self.dialect = dialect
    }

    /// The rest of an array or object still to be written.
    private struct Frame {
        let isObject: Bool
        let keys: [String]
        let values: [JSONValue]
        var next = 0
    }

    mutating func write(_ root: JSONValue) throws {
        var stack: [Frame] = []
        var pending: JSONValue? = root
        while true {
            if let value = pending {
                pending = nil
                switch value {
                case .null: out.append(contentsOf: Self.nullBytes)
                case .bool(let b): out.append(contentsOf: b ? Self.trueBytes : Self.falseBytes)
                case .number(let n): try writeNumber(n)
                case .string(let s): writeString(s)
                case .array(let elements):
                    if elements.isEmpty {
                        out.append(contentsOf: [UInt8(ascii: "["), UInt8(ascii: "]")])
                    } else {
                        out.append(UInt8(ascii: "["))
                        stack.append(Frame(isObject: false, keys: [], values: elements))
                    }
                case .object(let object):
                    let members = try orderedMembers(object)
                    if members.isEmpty {
                        out.append(contentsOf: [UInt8(ascii: "{"), UInt8(ascii: "}")])
                    } else {
                        out.append(UInt8(ascii: "{"))
                        stack.append(Frame(isObject: true, keys: members.map(\.key), values: members.map(\.value)))
                    }
                }
            }
            guard !stack.isEmpty else { return }
            let top = stack.count - 1
            let next = stack[top].next
            if next == stack[top].values.count {
                out.append(stack[top].isObject ? UInt8(ascii: "}") : UInt8(ascii: "]"))
                stack.removeLast()
                continue
            }
            if next > 0 { out.append(UInt8(ascii: ",")) }
            if stack[top].isObject {
                writeString(stack[top].keys[next])
                out.append(UInt8(ascii: ":"))
            }
            pending = stack[top].values[next]
            stack[top].next = next + 1
        }
    }

    // MARK: Members

    private func orderedMembers(_ object: JSONObject) throws -> [JSONObject.Member] {
        switch dialect {
        case .canonical: return try Self.canonicalOrder(object.members)
        case .goMarshal: return Self.goMapOrder(object.members)
        case .decisionGate: return Self.escapedKeyOrder(object.members)
        }
    }

    /// UTF-16 order; two equal keys make the document uncanonicalisable.
    private static func canonicalOrder(_ members: [JSONObject.Member]) throws -> [JSONObject.Member] {
        if members.count < 2 { return members }
        let sorted = members.sorted { KeyOrder.utf16Precedes($0.key, $1.key) }
        for i in 1..<sorted.count where JSONObject.same(sorted[i - 1].key, sorted[i].key) {
            throw JSONError.duplicateKey(sorted[i].key)
        }
        return sorted
    }

    /// A Go map holds one value per key, the last decoded; its keys marshal in byte order.
    private static func goMapOrder(_ members: [JSONObject.Member]) -> [JSONObject.Member] {
        if members.count < 2 { return members }
        let order = members.indices.sorted { i, j in
            let a = members[i].key, b = members[j].key
            if KeyOrder.utf8Precedes(a, b) { return true }
            if KeyOrder.utf8Precedes(b, a) { return false }
            return i < j
        }
        var result: [JSONObject.Member] = []
        result.reserveCapacity(members.count)
        for index in order {
            let member = members[index]
            if let last = result.last, JSONObject.same(last.key, member.key) {
                result[result.count - 1] = member
            } else {
                result.append(member)
            }
        }
        return result
    }

    /// serde_jcs keeps members in a map keyed by the escaped key with its quotes, so `"a!"` sorts
    /// before `"a"` (`!` < `"`); a `serde_json::Value` map has already kept the last duplicate.
    private static func escapedKeyOrder(_ members: [JSONObject.Member]) -> [JSONObject.Member] {
        if members.count < 2 { return members }
        let keys = members.map { member -> [UInt8] in
            var writer = JSONWriter(dialect: .decisionGate)
            writer.writeString(member.key)
            return writer.out
        }
        let order = members.indices.sorted { i, j in
            if keys[i] != keys[j] { return keys[i].lexicographicallyPrecedes(keys[j]) }
            return i < j
        }
        var result: [JSONObject.Member] = []
        result.reserveCapacity(members.count)
        var lastKey: [UInt8]?
        for index in order {
            if let lastKey, lastKey == keys[index] {
                result[result.count - 1] = members[index]
            } else {
                result.append(members[index])
            }
            lastKey = keys[index]
        }
        return result
    }

    // MARK: Numbers

    private mutating func writeNumber(_ number: JSONNumber) throws {
        switch dialect {
        case .canonical, .goMarshal: try writeFloat64Number(number)
        case .decisionGate: try writeSerdeNumber(number)
        }
    }

    /// gait's Go code holds every number as a float64.
    private mutating func writeFloat64Number(_ number: JSONNumber) throws {
        if Self.isShortInteger(number.literal) {
            out.append(contentsOf: number.literal.utf8)
            return
        }
        let value = number.doubleValue
        guard value.isFinite else {
            guard dialect == .goMarshal else { throw JSONError.numberOutOfRange(number.literal) }
            out.append(contentsOf: number.literal.utf8)
            return
        }
        if dialect == .goMarshal && value == 0 && value.sign == .minus {
            out.append(contentsOf: "-0".utf8)  // strconv.FormatFloat keeps the sign; ECMAScript does not
            return
        }
        out.append(contentsOf: ECMAScriptNumber.format(value).utf8)
    }

    /// serde_json reads an integer literal that fits u64 (or, negative, i64) as that integer, and
    /// serde_jcs writes it back digit for digit; anything else (fractions, exponents, `-0`, larger
    /// integers) became an f64 and is written the ECMAScript way.
    private mutating func writeSerdeNumber(_ number: JSONNumber) throws {
        let literal = number.literal
        let isInteger = !literal.utf8.contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
        if isInteger && literal != "-0" && (UInt64(literal) != nil || Int64(literal) != nil) {
            out.append(contentsOf: literal.utf8)
            return
        }
        let value = number.doubleValue
        guard value.isFinite else { throw JSONError.serdeNumberOutOfRange(literal) }
        out.append(contentsOf: ECMAScriptNumber.format(value).utf8)
    }

    /// An integer literal of at most 15 digits (and not `-0`) is exactly a double whose
    /// ECMAScript and Go spelling is that literal, so it can be copied.
    private static func isShortInteger(_ literal: String) -> Bool {
        let utf8 = literal.utf8
        guard utf8.count <= 16 else { return false }
        var digits = 0
        for (i, c) in utf8.enumerated() {
            if i == 0 && c == UInt8(ascii: "-") { continue }
            guard JSONNumber.isDigit(c) else { return false }
            digits += 1
        }
        return digits > 0 && digits <= 15 && literal != "-0"
    }

    // MARK: Strings

    private mutating func writeString(_ string: String) {
        var string = string
        string.withUTF8 { bytes in
            out.append(UInt8(ascii: "\""))
            var runStart = 0
            var i = 0
            while i < bytes.count {
                let c = bytes[i]
                let escape = escapeSequence(for: c, in: bytes, at: i)
                guard let escape else {
                    i += 1
                    continue
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i]))
                out.append(contentsOf: escape.text)
                i += escape.consumed
                runStart = i
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count]))
            out.append(UInt8(ascii: "\""))
        }
    }

    /// The escape for the byte at `i`, if the dialect escapes it: JCS escapes only `"`, `\` and
    /// controls; Go also escapes `<`, `>`, `&`, U+2028 and U+2029.
    @inline(__always)
    private func escapeSequence(
        for c: UInt8, in bytes: UnsafeBufferPointer<UInt8>, at i: Int
    ) -> (text: [UInt8], consumed: Int)? {
        switch c {
        case UInt8(ascii: "\""): return ([UInt8(ascii: "\\"), c], 1)
        case UInt8(ascii: "\\"): return ([UInt8(ascii: "\\"), c], 1)
        case 0x08: return (Array("\\b".utf8), 1)
        case 0x0C: return (Array("\\f".utf8), 1)
        case 0x0A: return (Array("\\n".utf8), 1)
        case 0x0D: return (Array("\\r".utf8), 1)
        case 0x09: return (Array("\\t".utf8), 1)
        case 0x00..<0x20: return (Self.unicodeEscape(UInt16(c)), 1)
        case UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"):
            return dialect == .goMarshal ? (Self.unicodeEscape(UInt16(c)), 1) : nil
        case 0xE2:
            // U+2028 / U+2029 are E2 80 A8 / E2 80 A9.
            guard dialect == .goMarshal, i + 2 < bytes.count, bytes[i + 1] == 0x80,
                  bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9
            else { return nil }
            return (Self.unicodeEscape(bytes[i + 2] == 0xA8 ? 0x2028 : 0x2029), 3)
        default:
            return nil
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func unicodeEscape(_ unit: UInt16) -> [UInt8] {
        [UInt8(ascii: "\\"), UInt8(ascii: "u"),
         hexDigits[Int(unit >> 12)], hexDigits[Int(unit >> 8 & 0xF)],
         hexDigits[Int(unit >> 4 & 0xF)], hexDigits[Int(unit & 0xF)]]
    }

    private static let nullBytes = Array("null".utf8)
    private static let trueBytes = Array("true".utf8)
    private static let falseBytes = Array("false".utf8)
}
