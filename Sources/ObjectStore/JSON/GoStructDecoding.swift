/// Which JSON members Go's `encoding/json` would store into which struct fields.
///
/// gait verifies by decoding into Go structs and re-encoding them, so a verifier must pick
/// the same members Go picks: `"Schema_ID"` fills `schema_id`, a later duplicate overwrites an
/// earlier one, and in strict mode (`DisallowUnknownFields`) one unmatched member fails the
/// whole document.
public enum GoStructDecoding {
    /// The members of `value` that Go would decode into a struct whose JSON field names are
    /// `known` (in struct order), keyed by those names.
    ///
    /// A member matches a field by exact name, else by Go's case folding (the first field in
    /// `known` that folds the same). JSON `null` members are left out: Go leaves the field's
    /// zero value, and for the scalar and time fields gait has an earlier value survives too
    /// (a null would reset a slice, map or pointer field; that case is not modelled).
    /// A top-level `null` decodes to nothing, as in Go. Any other non-object throws
    /// `json: cannot unmarshal <kind> into Go value of type <type>`; in strict mode, the first
    /// unmatched member throws `json: unknown field "<name>"`.
    public static func fields(
        of value: JSONValue, known: [String], strict: Bool, type: String
    ) throws -> [String: JSONValue] {
        let object: JSONObject
        switch value {
        case .object(let o): object = o
        case .null: return [:]
        case .array: throw mismatch("array", type)
        case .string: throw mismatch("string", type)
        case .number: throw mismatch("number", type)
        case .bool: throw mismatch("bool", type)
        }

        let exact = Dictionary(known.map { (Array($0.utf8), $0) }, uniquingKeysWith: { first, _ in first })
        let folded = Dictionary(known.map { (fold($0), $0) }, uniquingKeysWith: { first, _ in first })
        var fields: [String: JSONValue] = [:]
        for member in object {
            guard let field = exact[Array(member.key.utf8)] ?? folded[fold(member.key)] else {
                if strict { throw JSONError(message: "json: unknown field \(GoQuoting.quote(member.key))") }
                continue
            }
            if !member.value.isNull {
                fields[field] = member.value
            }
        }
        return fields
    }

    private static func mismatch(_ kind: String, _ type: String) -> JSONError {
        JSONError(message: "json: cannot unmarshal \(kind) into Go value of type \(type)")
    }

    /// Go's `foldName`: ASCII letters to upper case, other characters to upper(lower(c)) by
    /// Unicode simple case mapping. The non-ASCII characters that fold onto ASCII letters are
    /// listed, since Swift exposes only full case mappings.
    static func fold(_ name: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(name.utf8.count)
        for scalar in name.unicodeScalars {
            if scalar.isASCII {
                let c = UInt8(scalar.value)
                out.append(c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z") ? c - 32 : c)
                continue
            }
            let foldedScalar: Unicode.Scalar
            switch scalar.value {
            case 0x212A: foldedScalar = "K"  // KELVIN SIGN
            case 0x017F: foldedScalar = "S"  // LATIN SMALL LETTER LONG S
            case 0x0130, 0x0131: foldedScalar = "I"  // dotted capital I, dotless small i
            default: foldedScalar = simpleUpperOfLower(scalar)
            }
            UTF8.encode(foldedScalar) { out.append($0) }
        }
        return out
    }

    private static func simpleUpperOfLower(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        let lower = single(scalar.properties.lowercaseMapping) ?? scalar
        return single(lower.properties.uppercaseMapping) ?? lower
    }

    private static func single(_ mapping: String) -> Unicode.Scalar? {
        let scalars = mapping.unicodeScalars
        return scalars.count == 1 ? scalars.first : nil
    }
}
