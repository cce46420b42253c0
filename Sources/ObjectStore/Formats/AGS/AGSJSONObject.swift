/// Typed reads of one JSON object in a pack's metadata, whose errors name the file and member,
/// since the packer's Python would have accepted far more (and crashed later) than we do.
struct AGSJSONObject {
    let object: JSONObject
    let file: String
    /// Where the object sits in its document, e.g. `files[3]`; empty at the top level.
    let location: String

    /// Parses a whole metadata file; any syntax error is bad input naming the file.
    static func parse(_ bytes: [UInt8], file: String) throws -> JSONValue {
        do {
            return try JSONParser.parse(bytes)
        } catch {
            throw FormatError.invalid("\(file): not valid JSON: \(error)")
        }
    }

    /// Duplicate member names are refused: Python keeps the last, a reader in another language
    /// may keep the first, and the packer never writes two.
    init(_ value: JSONValue, file: String, location: String = "") throws {
        self.file = file
        self.location = location
        guard case .object(let object) = value else {
            throw FormatError.invalid("\(file): \(location.isEmpty ? "top level" : location) is not a JSON object")
        }
        self.object = object
        if let duplicate = object.duplicateKeys.first {
            throw FormatError.invalid("\(file): \(Self.name(duplicate, in: location)) appears more than once")
        }
    }

    func has(_ key: String) -> Bool { object[key] != nil }

    /// The member as a string; nil when absent.
    func string(_ key: String) throws -> String? {
        guard let value = object[key] else { return nil }
        guard case .string(let text) = value else { throw malformed(key, "is not a string") }
        return text
    }

    func requiredString(_ key: String) throws -> String {
        guard let text = try string(key) else { throw malformed(key, "is missing") }
        return text
    }

    /// A decimal integer written without fraction or exponent, as Python's `json` writes an
    /// `int`: the digest prints it with `str()`, and `1.0` or `1e3` would print differently.
    func requiredSize(_ key: String) throws -> Int {
        guard let value = object[key] else { throw malformed(key, "is missing") }
        guard case .number(let number) = value, number.literal.utf8.allSatisfy(JSONNumber.isDigit),
              let size = Int(number.literal) else {
            throw malformed(key, "is not a non-negative integer")
        }
        return size
    }

    /// The member as an array; nil when absent.
    func array(_ key: String) throws -> [JSONValue]? {
        guard let value = object[key] else { return nil }
        guard case .array(let items) = value else { throw malformed(key, "is not an array") }
        return items
    }

    func isNull(_ key: String) -> Bool { object[key]?.isNull ?? false }

    func malformed(_ key: String, _ problem: String) -> FormatError {
        FormatError.invalid("\(file): \(Self.name(key, in: location)) \(problem)")
    }

    private static func name(_ key: String, in location: String) -> String {
        location.isEmpty ? key : "\(location).\(key)"
    }
}
