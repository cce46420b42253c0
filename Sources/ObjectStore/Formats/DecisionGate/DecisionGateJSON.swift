/// JSON as Decision Gate reads and writes it.
///
/// DG parses with `serde_json` and hashes with `serde_jcs` 0.1.0. Both differ from the Go-flavoured
/// `JSONParser` and RFC 8785 `CanonicalJSON` that gait's formats use, in ways that change verdicts
/// and hashes (spec §3), so a runpack is read and written only through this type.
public enum DecisionGateJSON {
    /// serde_json starts with a recursion budget of 128 and fails when it reaches zero, so the
    /// 128th array or object open at once is refused.
    public static let maxDepth = 127

    /// Parses `bytes` as serde_json would accept them: besides RFC 8259, invalid UTF-8, escaped
    /// unpaired surrogates, nesting deeper than `maxDepth` and numbers beyond f64 are errors
    /// (Go's rules, which `JSONParser` follows, repair or accept all four).
    public static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        try bytes.withUnsafeBufferPointer { try SerdeInputScan.check($0) }
        let value = try JSONParser.parse(bytes)
        try rejectOutOfRangeNumbers(value)
        return value
    }

    /// The bytes DG hashes: serde_jcs's canonical form (members by escaped-key bytes, exact
    /// integers; spec §3).
    public static func canonicalBytes(_ value: JSONValue) throws -> [UInt8] {
        var writer = JSONWriter(dialect: .decisionGate)
        try writer.write(value)
        return writer.out
    }

    /// DG's `hash_canonical_json` with SHA-256.
    public static func canonicalDigest(_ value: JSONValue) throws -> SHA256Digest {
        SHA256Digest.of(try canonicalBytes(value))
    }

    /// Depth is already bounded by the scan, so plain recursion is safe here.
    private static func rejectOutOfRangeNumbers(_ value: JSONValue) throws {
        switch value {
        case .number(let number):
            if !number.doubleValue.isFinite { throw JSONError.serdeNumberOutOfRange(number.literal) }
        case .array(let elements):
            for element in elements { try rejectOutOfRangeNumbers(element) }
        case .object(let object):
            for member in object { try rejectOutOfRangeNumbers(member.value) }
        case .null, .bool, .string:
            break
        }
    }
}

/// One pass over the raw bytes for what serde_json refuses but `JSONParser` accepts. Syntax errors
/// are left for the parser to report.
enum SerdeInputScan {
    static func check(_ input: UnsafeBufferPointer<UInt8>) throws {
        var depth = 0
        var index = 0
        while index < input.count {
            switch input[index] {
            case UInt8(ascii: "\""):
                index = try skipString(input, from: index + 1)
                continue
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > DecisionGateJSON.maxDepth {
                    throw JSONError(message: "recursion limit exceeded", offset: index + 1)
                }
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth = max(0, depth - 1)
            default:
                break
            }
            index += 1
        }
    }

    /// Checks one string body and returns the index after its closing quote (or the end).
    private static func skipString(_ input: UnsafeBufferPointer<UInt8>, from start: Int) throws -> Int {
        var index = start
        while index < input.count {
            let c = input[index]
            if c == UInt8(ascii: "\"") { return index + 1 }
            if c >= 0x80 {
                let length = UTF8Validation.sequenceLength(in: input, at: index)
                guard length > 0 else { throw JSONError(message: "invalid unicode code point", offset: index + 1) }
                index += length
            } else if c == UInt8(ascii: "\\") {
                index = try skipEscape(input, at: index)
            } else {
                index += 1
            }
        }
        return index
    }

    /// `index` is at a backslash; returns the index after the escape (and its pair, for a surrogate).
    private static func skipEscape(_ input: UnsafeBufferPointer<UInt8>, at index: Int) throws -> Int {
        guard index + 1 < input.count, input[index + 1] == UInt8(ascii: "u") else { return index + 2 }
        guard let unit = hex4(input, at: index + 2) else { return index + 2 }
        if UTF16.isTrailSurrogate(unit) {
            throw JSONError(message: "lone leading surrogate in hex escape", offset: index + 6)
        }
        guard UTF16.isLeadSurrogate(unit) else { return index + 6 }
        guard index + 7 < input.count, input[index + 6] == UInt8(ascii: "\\"), input[index + 7] == UInt8(ascii: "u")
        else {
            throw JSONError(message: "unexpected end of hex escape", offset: index + 6)
        }
        guard let low = hex4(input, at: index + 8), UTF16.isTrailSurrogate(low) else {
            throw JSONError(message: "lone leading surrogate in hex escape", offset: index + 12)
        }
        return index + 12
    }

    private static func hex4(_ input: UnsafeBufferPointer<UInt8>, at index: Int) -> UInt16? {
        guard index + 4 <= input.count else { return nil }
        var unit: UInt16 = 0
        for offset in 0..<4 {
            guard let digit = UTF8Validation.hexValue(input[index + offset]) else { return nil }
            unit = unit << 4 | UInt16(digit)
        }
        return unit
    }
}
