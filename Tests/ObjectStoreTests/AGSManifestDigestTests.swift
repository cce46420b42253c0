import Foundation
import XCTest
@testable import ObjectStore

/// `manifest_digest` and `meta/REPO_STATE.json` as ags-memory-pack.md defines them.
final class AGSManifestDigestTests: XCTestCase {
    static let exampleDigest = "5f5bef178d21bc2048c4512207aaacb6cb3f80443f5c040686f3964377f55f3c"

    func testWorkedExampleDirectoryGivesTheSpecsDigest() throws {
        let fixture = try AGSPackFixture()
        let pack = try fixture.writeExample()
        let verified = try AGSMemoryPack.verify(directory: pack)
        XCTAssertEqual(verified.manifestDigest, Self.exampleDigest)
        XCTAssertEqual(verified.grammarVersion, "1.0")
        XCTAssertEqual(verified.canonVersion, "unknown")
        XCTAssertEqual(verified.scope, "ags")
        XCTAssertEqual(verified.files.map(\.path), ["meta/REPO_STATE.json", "repo/a.txt", "repo/b/\u{e9}.md"])
        XCTAssertEqual(verified.files[1].sha256.hex, "98ea6e4f216f2fb4b69fff9b3a44842c38686ca685f3f55dc48c5d3fb1107be4")
        XCTAssertEqual(verified.files[1].size, 3)
        XCTAssertEqual(verified.files[2].sha256, SHA256Digest.of([UInt8]()))
        XCTAssertEqual(verified.files.map(\.mode), [0o100644, 0o100644, 0o100644])
        XCTAssertEqual(verified.files[0].sha256, SHA256Digest.of(Array(AGSPackFixture.exampleManifest.utf8)))
    }

    /// The fixture's manifest text is what Python's `json.dumps` writes for the example, so the
    /// example test reads the packer's bytes, not our idea of them.
    func testExampleManifestIsThePackersOwnJSON() throws {
        let script = #"""
        import hashlib, json, sys
        files = [{"path": "a.txt", "hash": hashlib.sha256(b"hi\n").hexdigest(), "size": 3},
                 {"path": "b/\u00e9.md", "hash": hashlib.sha256(b"").hexdigest(), "size": 0}]
        state = {"canon_version": "unknown", "grammar_version": "1.0", "scope": "ags", "files": files}
        sys.stdout.write(json.dumps(state, indent=2, sort_keys=True) + "\n")
        """#
        let python = try JSONTestSupport.run("python3", ["-c", script], input: [])
        XCTAssertEqual(python.utf8String, AGSPackFixture.exampleManifest)
    }

    func testEmptyOrAbsentFileListDigestsToTheEmptyHash() throws {
        let empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        for manifest in [#"{"files": [], "grammar_version": "1.0"}"#, #"{"grammar_version": "1.0"}"#] {
            let verified = try AGSMemoryPack.verify(files: AGSMemorySources.of(["meta/REPO_STATE.json": Array(manifest.utf8)]))
            XCTAssertEqual(verified.manifestDigest, empty, manifest)
        }
    }

    /// Only `files[].hash/size/path` feed the digest: versions, scope and formatting do not.
    func testDigestIgnoresEverythingButTheFileLines() throws {
        let compact = #"{"files":[{"path":"a.txt","hash":"98ea6e4f216f2fb4b69fff9b3a44842c38686ca685f3f55dc48c5d3fb1107be4","size":3},"#
            + #"{"size":0,"path":"b/é.md","hash":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}],"#
            + #""canon_version":"9.9.9","scope":"lab"}"#
        let files: [String: [UInt8]] = ["meta/REPO_STATE.json": Array(compact.utf8), "repo/a.txt": Array("hi\n".utf8),
                                        "repo/b/\u{e9}.md": []]
        let verified = try AGSMemoryPack.verify(files: AGSMemorySources.of(files))
        XCTAssertEqual(verified.manifestDigest, Self.exampleDigest)
        XCTAssertEqual(verified.grammarVersion, "", "a pack from before grammar versions")
        XCTAssertEqual(verified.canonVersion, "9.9.9")
    }

    func testMalformedManifestsAreRefusedNamingTheFileAndField() throws {
        let cases: [(from: String, to: String, expected: String)] = [
            (#""size": 3"#, #""size": "3""#, #"files[0].size is not a non-negative integer"#),
            (#""size": 3"#, #""size": 3.0"#, #"files[0].size is not a non-negative integer"#),
            (#""size": 3"#, #""size": -3"#, #"files[0].size is not a non-negative integer"#),
            ("98ea6e4f216f2fb4", "98EA6E4F216F2FB4", "files[0].hash is not 64 lower-case hex digits"),
            (#""path": "a.txt""#, #""path": "../a.txt""#, "files[0].path \"../a.txt\" is unsafe"),
            (#""path": "a.txt""#, #""path": "/etc/passwd""#, "files[0].path \"/etc/passwd\" is unsafe: absolute path"),
            (#""path": "a.txt""#, #""path": "c.txt""#, "files[1].path \"b/é.md\" is out of order"),
            (#""path": "b/\u00e9.md""#, #""path": "a.txt""#, "files[1].path \"a.txt\" is listed twice"),
            (#""path": "a.txt","#, "", "files[0].path is missing"),
            (#""files": ["#, #""files": {"x": ["#, "not valid JSON"),
            (#""files": ["#, #""files": 7, "x": ["#, "files is not an array"),
            ("\"scope\": \"ags\"\n}", "\"scope\": \"ags\"\n}}", "not valid JSON"),
            (#""scope": "ags""#, #""scope": "ags", "scope": "lab""#, "scope appears more than once"),
            (#""grammar_version": "1.0""#, #""grammar_version": 1.0"#, "grammar_version is not a string"),
        ]
        for item in cases {
            let manifest = AGSPackFixture.exampleManifest.replacingOccurrences(of: item.from, with: item.to)
            XCTAssertNotEqual(manifest, AGSPackFixture.exampleManifest, "case did not apply: \(item.to)")
            let fixture = try AGSPackFixture()
            let pack = try fixture.writeExample(manifest: manifest)
            XCTAssertThrowsError(try AGSMemoryPack.verify(directory: pack), item.to) { error in
                let failure = error as? FormatError
                XCTAssertEqual(failure?.kind, .invalidInput, "\(error)")
                XCTAssertTrue("\(error)".hasPrefix("meta/REPO_STATE.json: "), "\(error)")
                XCTAssertTrue("\(error)".contains(item.expected), "\(error) lacks \(item.expected)")
            }
        }
    }

    func testFilesNotAnArrayOrTopLevelNotAnObjectAreRefused() {
        for (manifest, expected) in [(#"{"files": {}}"#, "files is not an array"), ("[]", "top level is not a JSON object"),
                                     (#"{"files": [7]}"#, "files[0] is not a JSON object")] {
            XCTAssertThrowsError(try AGSMemoryPack.verify(files: AGSMemorySources.of(["meta/REPO_STATE.json": Array(manifest.utf8)]))) {
                XCTAssertEqual("\($0)", "meta/REPO_STATE.json: \(expected)")
            }
        }
    }
}
