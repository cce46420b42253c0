/// Why a JSON value does not deserialize into the Rust type Decision Gate expects, worded as
/// serde and serde_json word it (without serde_json's "at line L column C", which a parsed value
/// no longer knows).
enum SerdeShapeError: Error, CustomStringConvertible, Equatable {
    case missingField(String)
    case duplicateField(String)
    case invalidType(found: String, expected: String)
    case invalidValue(found: String, expected: String)
    case unknownVariant(String, expected: [String])

    var description: String {
        switch self {
        case .missingField(let name): return "missing field `\(name)`"
        case .duplicateField(let name): return "duplicate field `\(name)`"
        case .invalidType(let found, let expected): return "invalid type: \(found), expected \(expected)"
        case .invalidValue(let found, let expected): return "invalid value: \(found), expected \(expected)"
        case .unknownVariant(let name, let expected):
            let list = expected.map { "`\($0)`" }
            let choices = list.count == 1 ? list[0] : "one of " + list.joined(separator: ", ")
            return "unknown variant `\(name)`, expected \(choices)"
        }
    }

    /// serde_json's `Unexpected` text for a value of the wrong type.
    static func describe(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let b): return "boolean `\(b)`"
        case .number(let n):
            if UInt64(n.literal) != nil || Int64(n.literal) != nil { return "integer `\(n.literal)`" }
            return "floating point `\(n.doubleValue)`"  // near ryu's spelling: `1.0`
        case .string(let s): return "string \"\(s)\""
        case .array: return "sequence"
        case .object: return "map"
        }
    }
}

/// The members of a JSON object read as serde's derived `Deserialize` reads a struct: unknown
/// members are ignored, a known member twice is an error, and for an `Option` field an absent
/// member and `null` both mean `None`.
struct SerdeStruct {
    private let members: [String: JSONValue]

    init(_ value: JSONValue, type: String, fields: [String]) throws {
        guard case .object(let object) = value else {
            throw SerdeShapeError.invalidType(found: SerdeShapeError.describe(value), expected: "struct \(type)")
        }
        var members: [String: JSONValue] = [:]
        for member in object {
            // Byte comparison: Swift's `==` would also match canonically equivalent keys.
            guard let field = fields.first(where: { $0.utf8.elementsEqual(member.key.utf8) }) else { continue }
            guard members.updateValue(member.value, forKey: field) == nil else {
                throw SerdeShapeError.duplicateField(field)
            }
        }
        self.members = members
    }

    func required(_ field: String) throws -> JSONValue {
        guard let value = members[field] else { throw SerdeShapeError.missingField(field) }
        return value
    }

    func optional(_ field: String) -> JSONValue? {
        guard let value = members[field], !value.isNull else { return nil }
        return value
    }

    func string(_ field: String) throws -> String { try Serde.string(try required(field)) }

    func optionalString(_ field: String) throws -> String? { try optional(field).map(Serde.string) }

    func u64(_ field: String) throws -> UInt64 { try Serde.u64(try required(field)) }

    func bool(_ field: String) throws -> Bool { try Serde.bool(try required(field)) }

    func array(_ field: String) throws -> [JSONValue] { try Serde.array(try required(field)) }
}

/// serde's primitive conversions from serde_json values.
enum Serde {
    static func string(_ value: JSONValue) throws -> String {
        guard case .string(let s) = value else { throw mismatch(value, "a string") }
        return s
    }

    static func bool(_ value: JSONValue) throws -> Bool {
        guard case .bool(let b) = value else { throw mismatch(value, "a boolean") }
        return b
    }

    static func array(_ value: JSONValue) throws -> [JSONValue] {
        guard case .array(let elements) = value else { throw mismatch(value, "a sequence") }
        return elements
    }

    /// A JSON integer within u64; `1.0` is a float to serde_json and so a type error.
    static func u64(_ value: JSONValue) throws -> UInt64 {
        guard case .number(let n) = value else { throw mismatch(value, "u64") }
        if let unsigned = UInt64(n.literal) { return unsigned }
        if Int64(n.literal) != nil { throw SerdeShapeError.invalidValue(found: SerdeShapeError.describe(value), expected: "u64") }
        throw mismatch(value, "u64")
    }

    static func i64(_ value: JSONValue) throws -> Int64 {
        guard case .number(let n) = value else { throw mismatch(value, "i64") }
        if let signed = Int64(n.literal) { return signed }
        if UInt64(n.literal) != nil { throw SerdeShapeError.invalidValue(found: SerdeShapeError.describe(value), expected: "i64") }
        throw mismatch(value, "i64")
    }

    /// `NonZeroU64`, which DG's tenant and namespace ids wrap.
    static func nonZeroU64(_ value: JSONValue) throws -> UInt64 {
        let number = try u64(value)
        guard number != 0 else { throw SerdeShapeError.invalidValue(found: "integer `0`", expected: "a nonzero u64") }
        return number
    }

    /// A unit-only enum with `rename_all = "snake_case"`: one of `variants`, as a string.
    static func variant(_ value: JSONValue, of variants: [String], type: String) throws -> String {
        guard case .string(let name) = value else { throw mismatch(value, "enum \(type)") }
        guard let variant = variants.first(where: { $0.utf8.elementsEqual(name.utf8) }) else {
            throw SerdeShapeError.unknownVariant(name, expected: variants)
        }
        return variant
    }

    static func mismatch(_ value: JSONValue, _ expected: String) -> SerdeShapeError {
        .invalidType(found: SerdeShapeError.describe(value), expected: expected)
    }
}
