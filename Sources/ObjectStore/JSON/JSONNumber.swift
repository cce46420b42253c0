/// A JSON number kept as its text.
///
/// The text matters twice over: JCS re-formats it from the float64 it denotes, while Go's
/// integer fields parse the text itself and reject `1.0` or `1e2`. Two numbers are equal when
/// their literals are (`1` and `1.0` differ); compare `doubleValue` for numeric equality.
public struct JSONNumber: Hashable, Sendable, CustomStringConvertible {
    /// The text as parsed, or as produced by `init(Int)` / `init(Double)`.
    public let literal: String

    public init(_ value: Int) {
        literal = String(value)
    }

    public init(_ value: Int64) {
        literal = String(value)
    }

    /// The ECMAScript spelling of `value` (so `-0.0` becomes `0`, `1e21` becomes `1e+21`).
    /// JSON has no NaN or infinity, so a non-finite value is a programming error.
    public init(_ value: Double) {
        precondition(value.isFinite, "JSON cannot represent \(value)")
        literal = ECMAScriptNumber.format(value)
    }

    /// Accepts exactly the RFC 8259 number grammar: `-? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?`.
    public init?(literal: String) {
        guard JSONNumber.isValidLiteral(literal.utf8) else { return nil }
        self.literal = literal
    }

    /// For the parser, which has already checked the grammar.
    init(validatedLiteral: String) {
        literal = validatedLiteral
    }

    /// The float64 nearest to the literal, as Go's `strconv.ParseFloat` and JCS see it;
    /// a literal beyond float64's range gives an infinity (which Go would refuse to decode).
    public var doubleValue: Double {
        Double(literal) ?? .nan
    }

    /// The value as Go decodes it into an integer field: nil for a fraction or exponent
    /// (`1.0`, `1e2`) and for anything outside Int64.
    public var int64Value: Int64? {
        Int64(literal)
    }

    public var description: String { literal }

    static func isValidLiteral(_ text: String.UTF8View) -> Bool {
        var bytes = text.makeIterator()
        var c = bytes.next()
        if c == UInt8(ascii: "-") { c = bytes.next() }
        guard let first = c, isDigit(first) else { return false }
        c = bytes.next()
        if first != UInt8(ascii: "0") {
            while let d = c, isDigit(d) { c = bytes.next() }
        }
        if c == UInt8(ascii: ".") {
            c = bytes.next()
            guard let d = c, isDigit(d) else { return false }
            while let d = c, isDigit(d) { c = bytes.next() }
        }
        if c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
            c = bytes.next()
            if c == UInt8(ascii: "+") || c == UInt8(ascii: "-") { c = bytes.next() }
            guard let d = c, isDigit(d) else { return false }
            while let d = c, isDigit(d) { c = bytes.next() }
        }
        return c == nil
    }

    @inline(__always)
    static func isDigit(_ c: UInt8) -> Bool {
        c &- UInt8(ascii: "0") < 10
    }
}
