import XCTest
@testable import ObjectStore

/// `gait --json` output: Go's json.Marshal of decoded data.
final class JSONGoOutputTests: XCTestCase {
    func testKeysAreSortedByBytesAtEveryLevel() throws {
        let value = try JSONParser.parse(#"{"b":1,"a":{"d":[{"z":1,"y":2}],"c":"x"},"B":0}"#)
        XCTAssertEqual(GoJSONOutput.encode(value).utf8String, #"{"B":0,"a":{"c":"x","d":[{"y":2,"z":1}]},"b":1}"#)

        // Byte order puts U+FB33 (EF AC B3) before 😂 (F0 9F 98 82); JCS's UTF-16 order is the reverse.
        let keys = try JSONParser.parse(#"{"😂":1,"\ufb33":2,"é":3,"Z":4,"a":5,"":6}"#)
        XCTAssertEqual(GoJSONOutput.encode(keys).utf8String, #"{"":6,"Z":4,"a":5,"é":3,"דּ":2,"😂":1}"#)
        XCTAssertEqual(try CanonicalJSON.encode(keys).utf8String, #"{"":6,"Z":4,"a":5,"é":3,"😂":1,"דּ":2}"#)
    }

    func testHTMLSafeEscapingAsGoWritesIt() {
        let value = JSONValue.string("<a href=\"x\">&</a> \u{2028}\u{2029} \u{1}\u{8}\u{C}\n\r\t\u{1F} \\ / \u{7F} é 😂")
        XCTAssertEqual(GoJSONOutput.encode(value).utf8String,
                       #""\u003ca href=\"x\"\u003e\u0026\u003c/a\u003e \u2028\u2029 \u0001\b\f\n\r\t\u001f \\ / "#
                           + "\u{7F} é 😂\"")
        XCTAssertEqual(GoJSONOutput.encode(["<": ">"]).utf8String, #"{"\u003c":"\u003e"}"#, "keys are escaped too")
    }

    func testDuplicateKeysCollapseToTheLastValueAsInAMap() {
        let value = JSONValue.object(JSONObject([("b", 1), ("a", 2), ("b", 3), ("a", 4)]))
        XCTAssertEqual(GoJSONOutput.encode(value).utf8String, #"{"a":4,"b":3}"#)
    }

    func testNumbersAreFormattedAsFloat64() throws {
        let value = try JSONParser.parse("[1.0, 1E2, 1e21, 1e20, 1e-7, 0.000001, -0, -0.0, 12345678901234567890, 0.1, 5e-324, 7]")
        XCTAssertEqual(GoJSONOutput.encode(value).utf8String,
                       "[1,100,1e+21,100000000000000000000,1e-7,0.000001,-0,-0,12345678901234567000,0.1,5e-324,7]")
        XCTAssertEqual(GoJSONOutput.encode(.array([nil, true, false, [], [:]])).utf8String, "[null,true,false,[],{}]")
    }

    /// Python reads the output back to the same data, and sees every object's keys in code point
    /// (= UTF-8 byte) order.
    func testPythonReadsTheOutputBack() throws {
        let documents = [
            #"{"zeta":[1,2,{"b":"<tag>","a":"&amp;"}],"alpha":"line\u2028sep","Émile":null,"emoji😂":"\ud83d\ude02"}"#,
            #"{"\u007f":"del","~":"tilde","\ufb33":"dalet","\ud83d\ude00":"grin","nested":{"y":[],"x":{}}}"#,
            #"[{"b":0.5,"a":-2,"c":"\u0001\b\f\n\r\t"}]"#,
        ]
        let lines = documents.map { GoJSONOutput.encode(try! JSONParser.parse($0)).utf8String + "\n" }.joined()
        let script = """
        import json, sys
        originals = json.loads(sys.argv[1])
        def sorted_everywhere(v):
            if isinstance(v, dict):
                return list(v) == sorted(v) and all(sorted_everywhere(x) for x in v.values())
            if isinstance(v, list):
                return all(sorted_everywhere(x) for x in v)
            return True
        for original, line in zip(originals, sys.stdin.read().splitlines()):
            decoded = json.loads(line)
            print("ok" if decoded == json.loads(original) and sorted_everywhere(decoded) else "bad: " + line)
        """
        let argument = GoJSONOutput.encode(.array(documents.map { .string($0) })).utf8String
        let output = try JSONTestSupport.run("python3", ["-c", script, argument], input: Array(lines.utf8)).utf8String
        XCTAssertEqual(output, String(repeating: "ok\n", count: documents.count))
    }
}
