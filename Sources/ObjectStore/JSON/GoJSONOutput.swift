/// What `gait --json` prints: Go's `json.Marshal` of data decoded into `map[string]any`.
///
/// So: keys sorted by UTF-8 bytes (a repeated key keeps its last value, as a map would), no
/// whitespace, Go's HTML-safe escaping (`<` `>` `&` as `\u003c` `\u003e` `\u0026`, U+2028 and
/// U+2029 escaped, `\b \f \n \r \t` short, other controls `\u00XX`), and numbers as Go
/// formats a float64, which is the ECMAScript form except that negative zero prints `-0`.
public enum GoJSONOutput {
    public static func encode(_ value: JSONValue) -> [UInt8] {
        var writer = JSONWriter(dialect: .goMarshal)
        // The Go dialect neither rejects duplicates nor out-of-range numbers, so nothing throws.
        try? writer.write(value)
        return writer.out
    }
}
