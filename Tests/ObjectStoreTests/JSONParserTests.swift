import XCTest
@testable import ObjectStore

/// The parser against Go's `json.Unmarshal` behaviour: accepted language, error text and
/// offsets, UTF-8 repair, surrogates, depth limit and duplicate keys.
final class JSONParserTests: XCTestCase {
    func testParsesEveryKindOfValue() throws {
        let value = try JSONParser.parse(#" {"s":"x","n":-1.50E+2,"t":true,"f":false,"z":null,"a":[1,[],{}],"o":{"k":"v"}} "#)
        guard case .object(let object) = value else { return XCTFail("not an object: \(value)") }
        XCTAssertEqual(object.keys, ["s", "n", "t", "f", "z", "a", "o"])
        XCTAssertEqual(object["s"], .string("x"))
        XCTAssertEqual(object["n"]?.numberValue?.literal, "-1.50E+2", "the literal is kept as written")
        XCTAssertEqual(object["n"]?.numberValue?.doubleValue, -150)
        XCTAssertEqual(object["t"]?.boolValue, true)
        XCTAssertEqual(object["f"]?.boolValue, false)
        XCTAssertEqual(object["z"]?.isNull, true)
        XCTAssertEqual(object["a"], .array([.number(JSONNumber(1)), .array([]), .object(JSONObject())]))
        XCTAssertEqual(object["o"]?["k"], "v")
        XCTAssertEqual(try JSONParser.parse("\t\r\n 42 \n"), 42)
        XCTAssertEqual(try JSONParser.parse(Array("\"\"".utf8)), "")
    }

    func testSyntaxErrorsMatchGo() {
        // (input, Go's message, Go's SyntaxError.Offset)
        let cases: [(String, String, Int)] = [
            ("", "unexpected end of JSON input", 0),
            ("   ", "unexpected end of JSON input", 3),
            ("x", "invalid character 'x' looking for beginning of value", 1),
            ("[1,2] x", "invalid character 'x' after top-level value", 7),
            ("{}{}", "invalid character '{' after top-level value", 3),
            ("[1]]", "invalid character ']' after top-level value", 4),
            ("truex", "invalid character 'x' after top-level value", 5),
            ("[1 2]", "invalid character '2' after array element", 4),
            (#"{"a" 1}"#, "invalid character '1' after object key", 6),
            (#"{"a":1 "b":2}"#, #"invalid character '"' after object key:value pair"#, 8),
            ("{1:2}", "invalid character '1' looking for beginning of object key string", 2),
            (#"{"a":1,}"#, "invalid character '}' looking for beginning of object key string", 8),
            ("[1,]", "invalid character ']' looking for beginning of value", 4),
            (#""\x""#, "invalid character 'x' in string escape code", 3),
            (#""\u12G4""#, #"invalid character 'G' in \u hexadecimal character escape"#, 6),
            ("\"a\tb\"", #"invalid character '\t' in string literal"#, 3),
            ("\"a\u{1}\"", #"invalid character '\x01' in string literal"#, 3),
            ("tru", "unexpected end of JSON input", 3),
            ("trUe", "invalid character 'U' in literal true (expecting 'u')", 3),
            ("nul1", "invalid character '1' in literal null (expecting 'l')", 4),
            ("fAlse", "invalid character 'A' in literal false (expecting 'a')", 2),
            ("-", "unexpected end of JSON input", 1),
            ("-a", "invalid character 'a' in numeric literal", 2),
            ("01", "invalid character '1' after top-level value", 2),
            ("[01]", "invalid character '1' after array element", 3),
            ("1.", "unexpected end of JSON input", 2),
            ("1.e5", "invalid character 'e' after decimal point in numeric literal", 3),
            ("1e", "unexpected end of JSON input", 2),
            ("1e+", "unexpected end of JSON input", 3),
            ("1ex", "invalid character 'x' in exponent of numeric literal", 3),
            ("+1", "invalid character '+' looking for beginning of value", 1),
            (".5", "invalid character '.' looking for beginning of value", 1),
            ("NaN", "invalid character 'N' looking for beginning of value", 1),
            ("'a'", #"invalid character '\'' looking for beginning of value"#, 1),
            ("[1,2", "unexpected end of JSON input", 4),
            (#"{"a":"#, "unexpected end of JSON input", 5),
            (#""abc"#, "unexpected end of JSON input", 4),
            (#"{"a""#, "unexpected end of JSON input", 4),
            ("[\u{7f}]", #"invalid character '\x7f' looking for beginning of value"#, 2),
        ]
        for (input, message, offset) in cases {
            XCTAssertThrowsError(try JSONParser.parse(input), "accepted \(input.debugDescription)") { error in
                let error = error as? JSONError
                XCTAssertEqual(error?.message, message, input.debugDescription)
                XCTAssertEqual(error?.offset, offset, input.debugDescription)
                XCTAssertEqual(error?.description, message)
            }
        }
    }

    func testNonASCIIBytesOutsideStringsAreNamedAsGoNamesThem() {
        let cases: [([UInt8], String)] = [
            ([0xEF, 0xBB, 0xBF, 0x7B, 0x7D], "invalid character 'ï' looking for beginning of value"),  // a BOM
            ([0x80], #"invalid character '\u0080' looking for beginning of value"#),
            ([0x5B, 0xA0], #"invalid character '\u00a0' looking for beginning of value"#),
        ]
        for (bytes, message) in cases {
            XCTAssertThrowsError(try JSONParser.parse(bytes)) { XCTAssertEqual(($0 as? JSONError)?.message, message) }
        }
    }

    func testInvalidUTF8BecomesOneReplacementPerBadByteAsInGo() throws {
        func string(_ content: [UInt8]) throws -> String? {
            try JSONParser.parse([0x22] + content + [0x22]).stringValue
        }
        let r = "\u{FFFD}"
        XCTAssertEqual(try string([0xE2, 0x82, 0x41]), r + r + "A", "truncated sequence: each byte replaced")
        XCTAssertEqual(try string([0xED, 0xA0, 0x80]), r + r + r, "an encoded surrogate is invalid")
        XCTAssertEqual(try string([0xC0, 0xAF]), r + r, "overlong")
        XCTAssertEqual(try string([0xF4, 0x90, 0x80, 0x80]), r + r + r + r, "beyond U+10FFFF")
        XCTAssertEqual(try string([0x61, 0xFF, 0x62]), "a" + r + "b")
        XCTAssertEqual(try string([0xF0, 0x9F, 0x98]), r + r + r, "cut off by the closing quote")
        XCTAssertEqual(try string(Array("😂 é\u{FFFD}".utf8)), "😂 é\u{FFFD}", "valid text untouched")
        // In keys too, and the canonical form carries the replacement character raw.
        let object = try JSONParser.parse([0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D])
        XCTAssertEqual(object.objectValue?.keys, [r])
        XCTAssertEqual(try CanonicalJSON.encode(object).utf8String, "{\"\(r)\":1}")
    }

    func testEscapesAndSurrogatePairs() throws {
        let cases: [(String, String)] = [
            (#""\ud83d\ude02""#, "😂"),
            (#""\uD83D\uDE02""#, "😂"),
            (#""\ud83d""#, "\u{FFFD}"),
            (#""\ude02""#, "\u{FFFD}"),
            (#""\ud83dx""#, "\u{FFFD}x"),
            (#""\ud83d\u0041""#, "\u{FFFD}A"),
            (#""\ud83d\ud83d\ude02""#, "\u{FFFD}😂"),
            (#""\ude02\ud83d""#, "\u{FFFD}\u{FFFD}"),
            (#""\u0000""#, "\u{0}"),
            (#""\/\\\"\b\f\n\r\t""#, "/\\\"\u{8}\u{C}\n\r\t"),
            (#""\u20ac\u00e9A\u030a""#, "€éA\u{30A}"),
        ]
        for (input, expected) in cases {
            let value = try JSONParser.parse(input)
            XCTAssertEqual(value.stringValue.map { Array($0.unicodeScalars) }, Array(expected.unicodeScalars), input)
        }
    }

    func testDepthLimitIsGos() throws {
        let depth = JSONParser.maxDepth
        XCTAssertEqual(depth, 10_000)
        let deepest = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        let value = try JSONParser.parse(deepest)
        XCTAssertEqual(try CanonicalJSON.encode(value).utf8String, deepest, "deep values encode without recursion")
        XCTAssertEqual(GoJSONOutput.encode(value).utf8String, deepest)

        let objects = String(repeating: #"{"a":"#, count: depth - 1) + "{}" + String(repeating: "}", count: depth - 1)
        XCTAssertEqual(try CanonicalJSON.transform(Array(objects.utf8)).utf8String, objects)

        let tooDeep = String(repeating: "[", count: depth + 1) + String(repeating: "]", count: depth + 1)
        XCTAssertThrowsError(try JSONParser.parse(tooDeep)) { error in
            XCTAssertEqual((error as? JSONError)?.message, "invalid character '[' exceeded max depth")
            XCTAssertEqual((error as? JSONError)?.offset, depth + 1)
        }
        let tooDeepEmpty = String(repeating: #"{"a":"#, count: depth) + "{}" + String(repeating: "}", count: depth)
        XCTAssertThrowsError(try JSONParser.parse(tooDeepEmpty)) {
            XCTAssertEqual(($0 as? JSONError)?.message, "invalid character '{' exceeded max depth")
        }
    }

    func testDuplicateKeysAreKeptAndTheLastWins() throws {
        let object = try XCTUnwrap(JSONParser.parse(#"{"a":1,"b":2,"a":3,"b":null,"c":[]}"#).objectValue)
        XCTAssertEqual(object.count, 5)
        XCTAssertEqual(object.keys, ["a", "b", "a", "b", "c"])
        XCTAssertEqual(object["a"], 3)
        XCTAssertEqual(object["b"], .null)
        XCTAssertEqual(object.duplicateKeys, ["a", "b"])
        XCTAssertEqual(object.members.map(\.value), [1, 2, 3, nil, []])
    }

    func testNumberLiteralsAreKeptVerbatim() throws {
        let numbers = try XCTUnwrap(JSONParser.parse("[1.50, 1E2, -0, 0.0, 12345678901234567890, 1e400]").arrayValue)
        XCTAssertEqual(numbers.compactMap { $0.numberValue?.literal },
                       ["1.50", "1E2", "-0", "0.0", "12345678901234567890", "1e400"])
        XCTAssertEqual(numbers[5].numberValue?.doubleValue, .infinity)
    }
}
