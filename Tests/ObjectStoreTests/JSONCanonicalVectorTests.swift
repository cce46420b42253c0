import XCTest
@testable import ObjectStore

/// The published JCS conformance vectors and the RFC 8785 examples, byte for byte.
final class JSONCanonicalVectorTests: XCTestCase {
    private let vectors = JSONTestSupport.jcsVectorDirectory

    func testEveryStructuralVector() throws {
        let names = ["arrays", "french", "structures", "unicode", "values", "weird"]
        let inputs = try FileManager.default.contentsOfDirectory(atPath: vectors.appendingPathComponent("testdata/input").path)
        XCTAssertEqual(Set(inputs), Set(names.map { $0 + ".json" }), "vector set changed")
        for name in names {
            let input = try JSONTestSupport.bytes(of: vectors.appendingPathComponent("testdata/input/\(name).json"))
            let expected = try JSONTestSupport.bytes(of: vectors.appendingPathComponent("testdata/output/\(name).json"))
            let hex = try String(contentsOf: vectors.appendingPathComponent("testdata/outhex/\(name).txt"), encoding: .utf8)
            let expectedFromHex = hex.split(whereSeparator: { $0 == " " || $0 == "\n" }).map { UInt8($0, radix: 16)! }
            XCTAssertEqual(expected, expectedFromHex, "\(name): output and outhex disagree")

            let canonical = try CanonicalJSON.transform(input)
            XCTAssertEqual(canonical, expected, "\(name): got \(canonical.utf8String)")
            // Canonical bytes are a fixed point.
            XCTAssertEqual(try CanonicalJSON.transform(canonical), canonical, name)
            XCTAssertEqual(try CanonicalJSON.digest(JSONParser.parse(input)), SHA256Digest.of(expected), name)
        }
    }

    func testAllTenThousandNumberVectors() throws {
        let file = try String(contentsOf: vectors.appendingPathComponent("es6testfile/es6testfile10k.txt"), encoding: .utf8)
        var count = 0
        var failures: [String] = []
        for line in file.split(separator: "\n") {
            let parts = line.split(separator: ",")
            guard parts.count == 2, let bits = UInt64(parts[0], radix: 16) else {
                XCTFail("malformed vector line \(line)")
                continue
            }
            count += 1
            let value = Double(bitPattern: bits)
            let expected = String(parts[1])
            let formatted = ECMAScriptNumber.format(value)
            if formatted != expected {
                failures.append("\(parts[0]): \(formatted) != \(expected)")
                continue
            }
            // The canonical encoder reaches the same text from any spelling of the number.
            let fromSwiftSpelling = try CanonicalJSON.transform(Array(value.description.utf8))
            let fromExpected = try CanonicalJSON.encode(.number(JSONNumber(literal: expected)!))
            if fromSwiftSpelling.utf8String != expected || fromExpected.utf8String != expected {
                failures.append("\(parts[0]): encoder gave \(fromSwiftSpelling.utf8String) / \(fromExpected.utf8String)")
            }
        }
        XCTAssertEqual(count, 10_000)
        XCTAssertEqual(failures, [], "\(failures.count) number vectors failed")
    }

    /// RFC 8785 Appendix B: IEEE-754 bit patterns and their JSON text.
    func testRFC8785AppendixBNumbers() throws {
        let table: [(UInt64, String)] = [
            (0x0000_0000_0000_0000, "0"), (0x8000_0000_0000_0000, "0"),
            (0x0000_0000_0000_0001, "5e-324"), (0x8000_0000_0000_0001, "-5e-324"),
            (0x7FEF_FFFF_FFFF_FFFF, "1.7976931348623157e+308"), (0xFFEF_FFFF_FFFF_FFFF, "-1.7976931348623157e+308"),
            (0x4340_0000_0000_0000, "9007199254740992"), (0xC340_0000_0000_0000, "-9007199254740992"),
            (0x4430_0000_0000_0000, "295147905179352830000"),
            (0x44B5_2D02_C7E1_4AF5, "9.999999999999997e+22"), (0x44B5_2D02_C7E1_4AF6, "1e+23"),
            (0x44B5_2D02_C7E1_4AF7, "1.0000000000000001e+23"),
            (0x444B_1AE4_D6E2_EF4E, "999999999999999700000"), (0x444B_1AE4_D6E2_EF4F, "999999999999999900000"),
            (0x444B_1AE4_D6E2_EF50, "1e+21"),
            (0x3EB0_C6F7_A0B5_ED8C, "9.999999999999997e-7"), (0x3EB0_C6F7_A0B5_ED8D, "0.000001"),
            (0x41B3_DE43_5555_5553, "333333333.3333332"), (0x41B3_DE43_5555_5554, "333333333.33333325"),
            (0x41B3_DE43_5555_5555, "333333333.3333333"), (0x41B3_DE43_5555_5556, "333333333.3333334"),
            (0x41B3_DE43_5555_5557, "333333333.33333343"),
            (0xBECB_F647_612F_3696, "-0.0000033333333333333333"),
            (0x4314_3FF3_C1CB_0959, "1424953923781206.2"),
        ]
        for (bits, expected) in table {
            XCTAssertEqual(ECMAScriptNumber.format(Double(bitPattern: bits)), expected, String(bits, radix: 16))
        }
        XCTAssertEqual(ECMAScriptNumber.format(.nan), "NaN")
        XCTAssertEqual(ECMAScriptNumber.format(-.infinity), "-Infinity")
    }

    /// RFC 8785 §3.2.3: property sorting by UTF-16 code units, and §3.2.4's unnormalized text.
    func testRFC8785SortingExample() throws {
        let input = #"""
        {
          "\u20ac": "Euro Sign",
          "\r": "Carriage Return",
          "\ufb33": "Hebrew Letter Dalet With Dagesh",
          "1": "One",
          "\ud83d\ude00": "Emoji: Grinning Face",
          "\u0080": "Control",
          "\u00f6": "Latin Small Letter O With Diaeresis"
        }
        """#
        let expected = "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u{80}\":\"Control\","
            + "\"ö\":\"Latin Small Letter O With Diaeresis\",\"€\":\"Euro Sign\","
            + "\"😀\":\"Emoji: Grinning Face\",\"דּ\":\"Hebrew Letter Dalet With Dagesh\"}"
        XCTAssertEqual(try CanonicalJSON.transform(Array(input.utf8)).utf8String, expected)

        let unnormalized = try CanonicalJSON.transform(Array(#"{"Unnormalized Unicode":"A\u030a"}"#.utf8))
        XCTAssertEqual(Hex.encode(unnormalized), "7b22556e6e6f726d616c697a656420556e69636f6465223a2241cc8a227d")
    }

    /// The cases git-signing-and-libgit2.md §4 singles out.
    func testTrickyCasesFromTheSpecNotes() throws {
        let numbers: [(String, String)] = [
            ("1E30", "1e+30"), ("4.50", "4.5"), ("2e-3", "0.002"), ("0.000000000000000000000000001", "1e-27"),
            ("333333333.33333329", "333333333.3333333"), ("1e21", "1e+21"), ("1e20", "100000000000000000000"),
            ("1e-6", "0.000001"), ("9.999999999999997e-7", "9.999999999999997e-7"), ("-0", "0"), ("-0.0", "0"),
            ("5e-324", "5e-324"), ("-1.7976931348623157e+308", "-1.7976931348623157e+308"),
            ("9007199254740994", "9007199254740994"), ("9007199254740993", "9007199254740992"),
            ("56.0", "56"), ("1e-7", "1e-7"), ("123456789012345678901234", "1.2345678901234569e+23"),
            ("0.1", "0.1"), ("100", "100"), ("-12.5e1", "-125"),
        ]
        for (input, expected) in numbers {
            XCTAssertEqual(try CanonicalJSON.transform(Array(input.utf8)).utf8String, expected, input)
        }

        // Key order: UTF-16 units, so 😂 (D83D…) sorts before U+FB33 even though its code point is larger;
        // digits sort as text; the empty key first; no locale.
        let keys = #"{"\ufb33":0,"😂":1,"a":2,"A":3,"111":4,"10":5,"1":6,"":7,"péché":8,"pêche":9,"peach":10}"#
        XCTAssertEqual(try CanonicalJSON.transform(Array(keys.utf8)).utf8String,
                       #"{"":7,"1":6,"10":5,"111":4,"A":3,"a":2,"peach":10,"péché":8,"pêche":9,"😂":1,"דּ":0}"#)

        // Escapes: only " \ and controls, short forms where they exist, lower-case hex otherwise.
        let strings = #"["\u000F","\/","\u007f\u0080","</script>","\u20ac","A\u030a","\b\f\n\r\t","\u001f\"\\","\u2028&<>"]"#
        XCTAssertEqual(try CanonicalJSON.transform(Array(strings.utf8)).utf8String,
                       "[\"\\u000f\",\"/\",\"\u{7f}\u{80}\",\"</script>\",\"€\",\"A\u{30A}\",\"\\b\\f\\n\\r\\t\",\"\\u001f\\\"\\\\\",\"\u{2028}&<>\"]")

        XCTAssertEqual(try CanonicalJSON.transform(Array(" [ null , true,false , { } ,[ ] ] \n".utf8)).utf8String,
                       "[null,true,false,{},[]]")
    }

    func testNestedObjectsAreSortedRecursively() throws {
        let value: JSONValue = ["b": [["z": 1, "y": ["q": true, "p": nil]]], "a": "x"]
        XCTAssertEqual(try CanonicalJSON.encode(value).utf8String, #"{"a":"x","b":[{"y":{"p":null,"q":true},"z":1}]}"#)
    }

    func testDuplicateKeysAreRefused() {
        XCTAssertThrowsError(try CanonicalJSON.transform(Array(#"{"a":1,"b":2,"a":3}"#.utf8))) { error in
            XCTAssertEqual("\(error)", "Duplicate key: a")
        }
        let nested: JSONValue = ["outer": .object(JSONObject([("k", 1), ("k", 1)]))]
        XCTAssertThrowsError(try CanonicalJSON.encode(nested)) { XCTAssertEqual("\($0)", "Duplicate key: k") }
        // Canonically equivalent but different keys are not duplicates.
        XCTAssertEqual(try CanonicalJSON.encode(.object(JSONObject([("\u{C5}", 1), ("A\u{30A}", 2)]))).utf8String,
                       "{\"A\u{30A}\":2,\"\u{C5}\":1}")
    }

    func testNumbersBeyondFloat64AreRefused() {
        XCTAssertThrowsError(try CanonicalJSON.transform(Array("[1e400]".utf8))) { error in
            XCTAssertEqual("\(error)", "json: cannot unmarshal number 1e400 into Go value of type float64")
        }
        // Underflow is not an error: it rounds to zero, as strconv.ParseFloat does.
        XCTAssertEqual(try CanonicalJSON.transform(Array("1e-400".utf8)).utf8String, "0")
    }

    func testJSONLines() throws {
        XCTAssertEqual(try CanonicalJSON.encodeLines([]), [])
        let lines: [JSONValue] = [["b": 1, "a": 2], "x", nil]
        XCTAssertEqual(try CanonicalJSON.encodeLines(lines).utf8String, "{\"a\":2,\"b\":1}\n\"x\"\nnull\n")
        XCTAssertThrowsError(try CanonicalJSON.encodeLines([.object(JSONObject([("d", 1), ("d", 2)]))]))
    }

    func testDigestIsSHA256OfCanonicalBytes() throws {
        let value: JSONValue = ["b": 2, "a": 1]
        XCTAssertEqual(try CanonicalJSON.digest(value), SHA256Digest.of(#"{"a":1,"b":2}"#))
        XCTAssertEqual(try CanonicalJSON.digest(value).hex,
                       "43258cff783fe7036d8a43033f830adfc60ec037382473548ac742b888292777")
    }
}
