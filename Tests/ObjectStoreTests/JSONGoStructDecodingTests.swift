import XCTest
@testable import ObjectStore

/// Member-to-field matching as Go's `encoding/json` does it for structs.
final class JSONGoStructDecodingTests: XCTestCase {
    private let manifestFields = ["schema_id", "schema_version", "created_at", "pack_id"]

    private func decode(_ json: String, known: [String]? = nil, strict: Bool = true) throws -> [String: JSONValue] {
        try GoStructDecoding.fields(of: JSONParser.parse(json), known: known ?? manifestFields,
                                    strict: strict, type: "pack.Manifest")
    }

    func testExactNames() throws {
        let fields = try decode(#"{"schema_id":"gait.pack","schema_version":"1.0.0","pack_id":"x"}"#)
        XCTAssertEqual(fields, ["schema_id": "gait.pack", "schema_version": "1.0.0", "pack_id": "x"])
    }

    func testCaseInsensitiveMatchFillsTheCanonicalName() throws {
        XCTAssertEqual(try decode(#"{"Schema_ID":"a","PACK_ID":"b","Created_At":"c"}"#),
                       ["schema_id": "a", "pack_id": "b", "created_at": "c"])
        // Go's folding maps the Kelvin sign to K and the long s to S.
        XCTAssertEqual(try decode(#"{"\u212aind":1,"\u017Fize":2}"#, known: ["kind", "size"]), ["kind": 1, "size": 2])
        // Characters that merely look alike, or are only canonically equivalent, do not match.
        XCTAssertThrowsError(try decode(#"{"schemа_id":1}"#))  // Cyrillic а
    }

    func testExactMatchBeatsFoldedAndTheFirstFoldedFieldWins() throws {
        let known = ["Name", "name"]
        XCTAssertEqual(try decode(#"{"name":1}"#, known: known), ["name": 1])
        XCTAssertEqual(try decode(#"{"Name":1}"#, known: known), ["Name": 1])
        XCTAssertEqual(try decode(#"{"NAME":1}"#, known: known), ["Name": 1])
    }

    func testLaterMembersWinWhicheverWayTheyMatched() throws {
        XCTAssertEqual(try decode(#"{"pack_id":"first","pack_id":"second"}"#), ["pack_id": "second"])
        XCTAssertEqual(try decode(#"{"pack_id":"exact","PACK_ID":"folded"}"#), ["pack_id": "folded"])
        XCTAssertEqual(try decode(#"{"PACK_ID":"folded","pack_id":"exact"}"#), ["pack_id": "exact"])
    }

    func testNullMembersLeaveTheZeroValue() throws {
        XCTAssertEqual(try decode(#"{"pack_id":null,"schema_id":"s"}"#), ["schema_id": "s"])
        XCTAssertEqual(try decode(#"{"pack_id":"kept","pack_id":null}"#), ["pack_id": "kept"])
        XCTAssertEqual(try decode("null"), [:], "a null document decodes to nothing, as in Go")
    }

    func testUnknownFieldsFailOnlyInStrictMode() throws {
        XCTAssertThrowsError(try decode(#"{"schema_id":"s","extra":1,"more":2}"#)) { error in
            XCTAssertEqual("\(error)", #"json: unknown field "extra""#, "the first unknown member is named")
        }
        XCTAssertThrowsError(try decode(#"{"extra":null}"#), "even when null")
        XCTAssertEqual(try decode(#"{"schema_id":"s","extra":1}"#, strict: false), ["schema_id": "s"])

        // The name is quoted with Go's %q.
        let weird = #"{"we\"ird\n\u007f\u00e9\u00a0😂":1}"#
        XCTAssertThrowsError(try decode(weird)) { error in
            XCTAssertEqual("\(error)", #"json: unknown field "we\"ird\n\x7fé\u00a0😂""#)
        }
    }

    func testNonObjectsFailLikeGo() {
        let cases: [(String, String)] = [
            ("[]", "array"), (#""x""#, "string"), ("1", "number"), ("true", "bool"),
        ]
        for (json, kind) in cases {
            XCTAssertThrowsError(try decode(json)) { error in
                XCTAssertEqual("\(error)", "json: cannot unmarshal \(kind) into Go value of type pack.Manifest")
            }
        }
    }
}
