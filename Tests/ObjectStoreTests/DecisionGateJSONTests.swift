import Foundation
import ObjectStore
import XCTest

/// Decision Gate's JSON: serde_json's parser limits and serde_jcs's canonical form, which differ
/// from the Go parser and RFC 8785 encoder gait's formats use (spec §3).
final class DecisionGateJSONTests: XCTestCase {
    private func canonical(_ text: String) throws -> String {
        try DecisionGateJSON.canonicalBytes(try DecisionGateJSON.parse(Array(text.utf8))).utf8String
    }

    private func rfc8785(_ text: String) throws -> String {
        try CanonicalJSON.transform(Array(text.utf8)).utf8String
    }

    func testEveryFixtureFileIsAlreadyInDecisionGatesCanonicalForm() throws {
        let root = DecisionGateFixtures.vectors.appendingPathComponent("runpacks")
        let walker = FileManager.default.enumerator(atPath: root.path)!
        var checked = 0
        while let relative = walker.nextObject() as? String {
            guard relative.hasSuffix(".json") else { continue }
            let bytes = Array(try Data(contentsOf: root.appendingPathComponent(relative)))
            XCTAssertEqual(try DecisionGateJSON.canonicalBytes(try DecisionGateJSON.parse(bytes)), bytes, relative)
            checked += 1
        }
        XCTAssertEqual(checked, 27)
    }

    func testMembersSortByTheirEscapedQuotedBytes() throws {
        // `"a!"` < `"a"` because `!` (0x21) sorts before the closing quote (0x22); RFC 8785 disagrees.
        XCTAssertEqual(try canonical(#"{"a":2,"a!":1,"a ":3}"#), #"{"a ":3,"a!":1,"a":2}"#)
        XCTAssertEqual(try rfc8785(#"{"a":2,"a!":1,"a ":3}"#), #"{"a":2,"a ":3,"a!":1}"#)
        // A newline key is written `\n` (0x5C...), so it sorts after "A"; raw, it would sort first.
        XCTAssertEqual(try canonical(#"{"\n":1,"A":2}"#), #"{"A":2,"\n":1}"#)
        XCTAssertEqual(try rfc8785(#"{"\n":1,"A":2}"#), #"{"\n":1,"A":2}"#)
        // U+FF61 (EF BD A1) against U+1F600 (F0 9F 98 80): bytes put the former first, UTF-16 the latter.
        XCTAssertEqual(try canonical("{\"\u{1F600}\":1,\"\u{FF61}\":2}"), "{\"\u{FF61}\":2,\"\u{1F600}\":1}")
        XCTAssertEqual(try rfc8785("{\"\u{FF61}\":2,\"\u{1F600}\":1}"), "{\"\u{1F600}\":1,\"\u{FF61}\":2}")
    }

    func testTheLastDuplicateWinsAsInASerdeJSONMap() throws {
        XCTAssertEqual(try canonical(#"{"b":1,"a":1,"b":2}"#), #"{"a":1,"b":2}"#)
        XCTAssertThrowsError(try rfc8785(#"{"b":1,"b":2}"#))
    }

    func testIntegersThatFitSixtyFourBitsAreWrittenExactly() throws {
        XCTAssertEqual(try canonical("[9007199254740993,18446744073709551615,-9223372036854775808]"),
                       "[9007199254740993,18446744073709551615,-9223372036854775808]")
        XCTAssertEqual(try rfc8785("[9007199254740993]"), "[9007199254740992]")
        // Beyond u64 and i64, serde_json holds an f64.
        XCTAssertEqual(try canonical("[18446744073709551616,-9223372036854775809]"),
                       "[18446744073709552000,-9223372036854776000]")
    }

    func testFloatsAreWrittenTheECMAScriptWay() throws {
        XCTAssertEqual(try canonical("[1.0,-0,-0.0,4.50,1e21,1E-7,0.000001,123456789012345680000,1e300]"),
                       "[1,0,0,4.5,1e+21,1e-7,0.000001,123456789012345680000,1e+300]")
    }

    func testStringsEscapeOnlyWhatRFC8785Escapes() throws {
        XCTAssertEqual(try canonical(#"["\u001f\b\t/\u007f\u2028é\"\\"]"#),
                       "[\"\\u001f\\b\\t/\u{7F}\u{2028}é\\\"\\\\\"]")
    }

    func testGoldenHashesFromDecisionGatesOwnTests() throws {
        XCTAssertTrue(try DecisionGateJSON.canonicalDigest([:]).hex.hasPrefix("44136fa3"))
        XCTAssertTrue(try DecisionGateJSON.canonicalDigest([]).hex.hasPrefix("4f53cda1"))
        XCTAssertTrue(try DecisionGateJSON.canonicalDigest(1).hex.hasPrefix("6b86b273"))
        // `json!(1.0)` and `json!(1)` hash the same.
        XCTAssertEqual(try DecisionGateJSON.canonicalDigest(try DecisionGateJSON.parse(Array("1.0".utf8))),
                       try DecisionGateJSON.canonicalDigest(1))
    }

    func testTheParserRefusesWhatSerdeJSONRefusesThoughGoAcceptsIt() throws {
        let refused: [(String, [UInt8])] = [
            ("invalid unicode code point", [0x22, 0xC3, 0x28, 0x22]),
            ("lone leading surrogate in hex escape", Array(#""\udc00""#.utf8)),
            ("unexpected end of hex escape", Array(#""\ud800x""#.utf8)),
            ("number out of range", Array("[1e400]".utf8)),
            ("recursion limit exceeded", Array((String(repeating: "[", count: 128) + String(repeating: "]", count: 128)).utf8)),
        ]
        for (message, bytes) in refused {
            XCTAssertNoThrow(try JSONParser.parse(bytes), message)
            XCTAssertThrowsError(try DecisionGateJSON.parse(bytes), message) { error in
                XCTAssertTrue("\(error)".hasPrefix(message), "\(error)")
            }
        }
        let deepest = String(repeating: "[", count: 127) + String(repeating: "]", count: 127)
        XCTAssertNoThrow(try DecisionGateJSON.parse(Array(deepest.utf8)))
        XCTAssertEqual(try DecisionGateJSON.parse(Array(#""\ud83d\ude00 \\ud800""#.utf8)), .string("\u{1F600} \\ud800"))
    }

    func testManifestFieldsDecodeAsSerdeDecodesThem() throws {
        let path = DecisionGateFixtures.vectors.appendingPathComponent(DecisionGateFixtures.timeAfterPass + "/manifest.json")
        let original = try String(contentsOf: path, encoding: .utf8)
        func decodeError(_ from: String, _ to: String) -> String {
            let edited = original.replacingOccurrences(of: from, with: to)
            XCTAssertNotEqual(edited, original, from)
            do {
                _ = try DecisionGateRunpack.Manifest.decode(Array(edited.utf8))
                return "decoded"
            } catch {
                return "\(error)"
            }
        }
        XCTAssertEqual(decodeError(#""run_id":"run-1","#, ""), "missing field `run_id`")
        XCTAssertEqual(decodeError(#""run_id":"run-1","#, #""run_id":"run-1","run_id":"x","#), "duplicate field `run_id`")
        XCTAssertEqual(decodeError(#""namespace_id":1"#, #""namespace_id":1.0"#),
                       "invalid type: floating point `1.0`, expected u64")
        XCTAssertEqual(decodeError(#""verifier_mode":"offline_strict""#, #""verifier_mode":"online""#),
                       "unknown variant `online`, expected one of `offline_strict`, `offline_with_fetch`")
        XCTAssertEqual(decodeError(#""hash_algorithm":"sha256""#, #""hash_algorithm":"sha512""#),
                       "unknown variant `sha512`, expected `sha256`")
        XCTAssertEqual(decodeError(#""kind":"logical","value":10"#, #""kind":"logical","value":-1"#),
                       "invalid value: integer `-1`, expected u64")
        XCTAssertEqual(decodeError(#""security":{"#, #""extra":[1,{"x":null}],"security":{"#), "decoded")
        XCTAssertEqual(decodeError(#""security":{"dev_permissive":false,"namespace_authority":"dg_registry"}"#,
                                   #""security":null"#), "decoded")
    }
}
