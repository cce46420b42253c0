/// Typed reads of a JSON object decoded the way Go's `encoding/json` fills a struct.
///
/// gait re-serialises what it decoded before hashing, so a reader must see exactly the values Go
/// would: absent and `null` members are zero values, names match case-insensitively, the last
/// duplicate wins, and a member of the wrong JSON type is an error with Go's wording.
struct GoFields {
    let fields: [String: JSONValue]
    let typeName: String

    init(_ value: JSONValue, type: String, known: [String], strict: Bool) throws {
        do {
            fields = try GoStructDecoding.fields(of: value, known: known, strict: strict, type: type)
        } catch {
            throw FormatError.invalid(String(describing: error))
        }
        typeName = type
    }

    func has(_ key: String) -> Bool { fields[key] != nil }

    func raw(_ key: String) -> JSONValue? { fields[key] }

    func string(_ key: String) throws -> String {
        guard let value = fields[key] else { return "" }
        guard let s = value.stringValue else { throw mismatch(key, value, "string") }
        return s
    }

    func bool(_ key: String) throws -> Bool {
        guard let value = fields[key] else { return false }
        guard let b = value.boolValue else { throw mismatch(key, value, "bool") }
        return b
    }

    /// Go `int` / `int64`: a number literal without fraction or exponent.
    func int(_ key: String) throws -> Int {
        guard let value = fields[key] else { return 0 }
        guard let number = value.numberValue else { throw mismatch(key, value, "int") }
        guard let i = number.int64Value, let exact = Int(exactly: i) else {
            throw FormatError.invalid("json: cannot unmarshal number \(number.literal) into Go struct field \(typeName).\(key) of type int")
        }
        return exact
    }

    /// Go `time.Time`: an RFC 3339 string; absent means the zero time.
    func time(_ key: String) throws -> GoTime {
        guard let value = fields[key] else { return .zero }
        guard let s = value.stringValue else {
            throw FormatError.invalid("Time.UnmarshalJSON: input is not a JSON string (field \(typeName).\(key))")
        }
        guard let t = GoTime(rfc3339: s) else {
            throw FormatError.invalid("parsing time \"\(s)\" as RFC 3339 (field \(typeName).\(key))")
        }
        return t
    }

    /// A slice field: nil when absent or null (Go's nil slice), else its elements.
    func array(_ key: String) throws -> [JSONValue]? {
        guard let value = fields[key] else { return nil }
        guard let a = value.arrayValue else { throw mismatch(key, value, "[]") }
        return a
    }

    /// A `map[string]any` field: nil when absent or null.
    func object(_ key: String) throws -> JSONObject? {
        guard let value = fields[key] else { return nil }
        guard let o = value.objectValue else { throw mismatch(key, value, "map[string]interface {}") }
        return o
    }

    private func mismatch(_ key: String, _ value: JSONValue, _ goType: String) -> FormatError {
        .invalid("json: cannot unmarshal \(JSONValue.goKindName(value)) into Go struct field \(typeName).\(key) of type \(goType)")
    }
}

extension JSONValue {
    /// The word Go's decoder uses for a JSON value's kind in type-mismatch errors.
    static func goKindName(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "bool"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }
}

/// Builds the JSON object of a Go struct: members in declaration order, `omitempty` ones dropped
/// when they hold their zero value. JCS re-sorts members later, so order only helps reading.
struct GoObject {
    private(set) var object = JSONObject()

    mutating func put(_ key: String, _ value: JSONValue) { object[key] = value }
    mutating func put(_ key: String, _ value: String) { object[key] = .string(value) }
    mutating func put(_ key: String, _ value: Int) { object[key] = .number(JSONNumber(value)) }
    mutating func put(_ key: String, _ value: Bool) { object[key] = .bool(value) }
    mutating func put(_ key: String, _ value: GoTime) { object[key] = .string(value.rfc3339Nano) }

    mutating func putOmitEmpty(_ key: String, _ value: String) { if !value.isEmpty { put(key, value) } }
    mutating func putOmitEmpty(_ key: String, _ value: Int) { if value != 0 { put(key, value) } }
    mutating func putOmitEmpty(_ key: String, _ value: Bool) { if value { put(key, value) } }
    mutating func putOmitEmpty(_ key: String, _ value: [JSONValue]?) {
        if let value, !value.isEmpty { put(key, .array(value)) }
    }
    mutating func putOmitEmpty(_ key: String, _ value: JSONObject?) {
        if let value, !value.isEmpty { put(key, .object(value)) }
    }

    var value: JSONValue { .object(object) }
}

extension String {
    /// Go's `strings.TrimSpace`: Unicode white space at both ends.
    var goTrimmed: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[first...last])
    }
}
