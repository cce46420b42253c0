import XCTest
@testable import ObjectStore

/// The value model: literals, accessors, object member semantics, numbers, exact equality.
final class JSONValueTests: XCTestCase {
    func testLiteralsBuildTheExpectedCases() {
        let value: JSONValue = ["z": nil, "b": true, "i": 7, "d": 2.5, "s": "x", "a": [1, "two"], "o": ["k": false]]
        guard case .object(let object) = value else { return XCTFail("not an object") }
        XCTAssertEqual(object.keys, ["z", "b", "i", "d", "s", "a", "o"], "a dictionary literal keeps its order")
        XCTAssertEqual(object["z"], .null)
        XCTAssertEqual(object["b"], .bool(true))
        XCTAssertEqual(object["i"], .number(JSONNumber(7)))
        XCTAssertEqual(object["d"]?.numberValue?.literal, "2.5")
        XCTAssertEqual(object["s"], .string("x"))
        XCTAssertEqual(object["a"], .array([.number(JSONNumber(1)), .string("two")]))
        XCTAssertEqual(object["o"], .object(JSONObject([("k", .bool(false))])))
    }

    func testAccessorsAnswerOnlyForTheirOwnCase() {
        let values: [JSONValue] = [nil, true, 1, "s", [], [:]]
        XCTAssertEqual(values.map(\.isNull), [true, false, false, false, false, false])
        XCTAssertEqual(values.map { $0.boolValue != nil }, [false, true, false, false, false, false])
        XCTAssertEqual(values.map { $0.numberValue != nil }, [false, false, true, false, false, false])
        XCTAssertEqual(values.map { $0.stringValue != nil }, [false, false, false, true, false, false])
        XCTAssertEqual(values.map { $0.arrayValue != nil }, [false, false, false, false, true, false])
        XCTAssertEqual(values.map { $0.objectValue != nil }, [false, false, false, false, false, true])
        XCTAssertNil(JSONValue.string("x")["k"])
    }

    func testObjectSubscriptSetReplacesCollapsesAppendsAndRemoves() {
        var object = JSONObject([("a", 1), ("b", 2), ("a", 3), ("c", 4), ("a", 5)])
        XCTAssertEqual(object["a"], 5)
        XCTAssertEqual(object.duplicateKeys, ["a"])

        object["a"] = "new"
        XCTAssertEqual(object.keys, ["a", "b", "c"], "set keeps the first position and drops later duplicates")
        XCTAssertEqual(object["a"], "new")
        XCTAssertEqual(object.duplicateKeys, [])

        object["d"] = nil
        XCTAssertEqual(object.count, 3, "removing a missing key is a no-op")
        object["d"] = [true]
        XCTAssertEqual(object.keys, ["a", "b", "c", "d"])

        object["b"] = nil
        XCTAssertEqual(object.keys, ["a", "c", "d"])
        XCTAssertNil(object["b"])
        XCTAssertFalse(object.isEmpty)
        XCTAssertTrue(JSONObject().isEmpty)
        XCTAssertEqual(Array(object).map(\.key), ["a", "c", "d"], "iterates its members in order")
    }

    func testStringsAndKeysCompareByBytesNotCanonicalEquivalence() {
        let composed = "\u{C5}", decomposed = "A\u{30A}", kelvin = "\u{212A}"
        XCTAssertEqual(composed, decomposed, "Swift's own == merges them")
        XCTAssertNotEqual(JSONValue.string(composed), JSONValue.string(decomposed))
        XCTAssertNotEqual(JSONValue.string(kelvin), JSONValue.string("K"))
        XCTAssertEqual(Set<JSONValue>([.string(composed), .string(decomposed), .string(composed)]).count, 2)

        var object = JSONObject([(composed, 1)])
        XCTAssertNil(object[decomposed])
        object[decomposed] = 2
        XCTAssertEqual(object.count, 2)
        XCTAssertEqual(object.duplicateKeys, [])
        XCTAssertNotEqual(JSONObject([(composed, 1)]), JSONObject([(decomposed, 1)]))
    }

    func testEqualityIsStructuralAndOrdered() {
        let ab: JSONValue = ["a": 1, "b": [true]], abAgain: JSONValue = ["a": 1, "b": [true]]
        let ba: JSONValue = ["b": [true], "a": 1]
        XCTAssertEqual(ab, abAgain)
        XCTAssertNotEqual(ab, ba, "member order is part of the value")
        XCTAssertNotEqual(JSONValue.number(JSONNumber(literal: "1.0")!), JSONValue.number(JSONNumber(1)))
        XCTAssertNotEqual(JSONValue.bool(false), JSONValue.null)
        XCTAssertEqual(Set<JSONValue>([["a": 1], ["a": 1], ["a": 2]]).count, 2)
    }

    func testNumberLiteralGrammarIsRFC8259() {
        for valid in ["0", "-0", "1.5", "1e5", "1E+5", "-1.5e-05", "123", "0.000", "9007199254740993"] {
            XCTAssertEqual(JSONNumber(literal: valid)?.literal, valid)
        }
        for invalid in ["", "-", "01", "-01", "+1", ".5", "1.", "1e", "1e+", "--1", "1 ", " 1", "0x10",
                        "NaN", "Infinity", "1.5.5", "1e5e5", "١"] {
            XCTAssertNil(JSONNumber(literal: invalid), invalid)
        }
    }

    func testNumberConversionsFollowGo() {
        XCTAssertEqual(JSONNumber(literal: "1")?.int64Value, 1)
        XCTAssertEqual(JSONNumber(literal: "-0")?.int64Value, 0)
        XCTAssertNil(JSONNumber(literal: "1.0")?.int64Value, "Go int fields reject 1.0")
        XCTAssertNil(JSONNumber(literal: "1e2")?.int64Value, "and 1e2")
        XCTAssertEqual(JSONNumber(literal: "9223372036854775807")?.int64Value, .max)
        XCTAssertEqual(JSONNumber(literal: "-9223372036854775808")?.int64Value, .min)
        XCTAssertNil(JSONNumber(literal: "9223372036854775808")?.int64Value)
        XCTAssertEqual(JSONNumber(literal: "1e2")?.doubleValue, 100)
        XCTAssertEqual(JSONNumber(literal: "9007199254740993")?.doubleValue, 9_007_199_254_740_992)
        XCTAssertEqual(JSONNumber(literal: "1e400")?.doubleValue, .infinity)

        XCTAssertEqual(JSONNumber(Int.max).literal, "9223372036854775807")
        XCTAssertEqual(JSONNumber(Int64.min).literal, "-9223372036854775808")
        XCTAssertEqual(JSONNumber(0.1).literal, "0.1")
        XCTAssertEqual(JSONNumber(100.0).literal, "100")
        XCTAssertEqual(JSONNumber(1e21).literal, "1e+21")
        XCTAssertEqual(JSONNumber(-0.0).literal, "0")
        XCTAssertEqual(JSONNumber(1e-7).literal, "1e-7")
        for literal in [JSONNumber(1e21).literal, JSONNumber(1e-7).literal, JSONNumber(123.456).literal] {
            XCTAssertNotNil(JSONNumber(literal: literal), "init(Double) produces valid JSON: \(literal)")
        }
    }

    func testRoundTripThroughCanonicalForm() throws {
        let original: JSONValue = [
            "text": "line\nbreak \"quoted\" \\ tab\t nul\u{0} é 😂 \u{2028} </script>",
            "numbers": [0, -1, 0.5, 1e-7, 1e21, 123456789.125],
            "nested": ["empty": [:], "list": [[], [nil, false]]],
        ]
        let canonical = try CanonicalJSON.encode(original)
        let reparsed = try JSONParser.parse(canonical)
        XCTAssertEqual(try CanonicalJSON.encode(reparsed), canonical)
        XCTAssertEqual(reparsed["text"], original["text"])
        XCTAssertEqual(reparsed["nested"], original["nested"])
        let go = GoJSONOutput.encode(original)
        XCTAssertEqual(try CanonicalJSON.transform(go), canonical, "Go's output and JCS agree once canonicalised")
    }
}
