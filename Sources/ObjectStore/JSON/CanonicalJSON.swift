/// RFC 8785 JSON Canonicalization Scheme, byte for byte as gowebpki/jcs v1.0.1 produces it:
/// members sorted by UTF-16 code units, no whitespace, ECMAScript numbers, and only `"`, `\`
/// and control characters escaped. These are the bytes gait hashes and signs.
public enum CanonicalJSON {
    /// Throws `Duplicate key: k` for an object with a repeated key, and for a number beyond
    /// float64's range (which gait could never have decoded).
    public static func encode(_ value: JSONValue) throws -> [UInt8] {
        var writer = JSONWriter(dialect: .canonical)
        try writer.write(value)
        return writer.out
    }

    /// Parses `bytes` and encodes the result: jcs.Transform.
    public static func transform(_ bytes: [UInt8]) throws -> [UInt8] {
        try encode(JSONParser.parse(bytes))
    }

    /// SHA-256 of the canonical bytes: gait's `DigestJCS`.
    public static func digest(_ value: JSONValue) throws -> SHA256Digest {
        SHA256Digest.of(try encode(value))
    }

    /// gait's `canonicalJSONL`: every value's canonical form followed by `\n`; no values, no bytes.
    public static func encodeLines(_ values: [JSONValue]) throws -> [UInt8] {
        var writer = JSONWriter(dialect: .canonical)
        for value in values {
            try writer.write(value)
            writer.out.append(UInt8(ascii: "\n"))
        }
        return writer.out
    }
}
