/// A JSON document that cannot be parsed, canonicalised or decoded.
///
/// Messages follow Go's `encoding/json` (and gowebpki/jcs for duplicate keys) word for word,
/// so a user comparing gaitstore with gait sees the same complaint.
public struct JSONError: Error, CustomStringConvertible, Equatable, Sendable {
    public let message: String
    /// For syntax errors, Go's `SyntaxError.Offset`: the number of bytes read when the error
    /// was found, i.e. the offending byte's index + 1, or the input length at end of input.
    public let offset: Int?

    public init(message: String, offset: Int? = nil) {
        self.message = message
        self.offset = offset
    }

    public var description: String { message }
}

extension JSONError {
    static func unexpectedEnd(at offset: Int) -> JSONError {
        JSONError(message: "unexpected end of JSON input", offset: offset)
    }

    /// Go's scanner error: `invalid character 'x' <context>`.
    static func invalidCharacter(_ byte: UInt8, _ context: String, at index: Int) -> JSONError {
        JSONError(message: "invalid character \(GoQuoting.quoteByte(byte)) \(context)", offset: index + 1)
    }

    static func duplicateKey(_ key: String) -> JSONError {
        JSONError(message: "Duplicate key: \(key)")
    }

    /// serde_json's wording for a literal beyond f64's range.
    static func serdeNumberOutOfRange(_ literal: String) -> JSONError {
        JSONError(message: "number out of range: \(literal)")
    }

    static func numberOutOfRange(_ literal: String) -> JSONError {
        JSONError(message: "json: cannot unmarshal number \(literal) into Go value of type float64")
    }
}
