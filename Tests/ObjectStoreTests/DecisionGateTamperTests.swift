#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import ObjectStore
import TestSupport
import XCTest

/// Copies of a real runpack, damaged one way at a time: each must fail with a message naming the
/// file, and the store's view of the same content must fail the same way.
final class DecisionGateTamperTests: XCTestCase {
    private var scratch: ScratchDirectory!
    private var runpack: URL!

    override func setUpWithError() throws {
        scratch = try ScratchDirectory()
        runpack = try scratch.copy(of: DecisionGateFixtures.visibilityPacket)
    }

    override func tearDown() {
        scratch.remove()
    }

    private func url(_ relative: String) -> URL { runpack.appendingPathComponent(relative) }

    private func flipByte(_ relative: String, at offset: Int) throws {
        var bytes = Array(try Data(contentsOf: url(relative)))
        bytes[offset] ^= 0x01
        try Data(bytes).write(to: url(relative))
    }

    /// The verdict on disk, checked against the verdict on the same files held in memory.
    @discardableResult
    private func assertFails(_ kind: FormatError.Kind = .verification, containing fragments: [String],
                             file: StaticString = #filePath, line: UInt = #line) throws -> DecisionGateRunpack.Report? {
        assertFormatError(kind, containing: fragments, file: file, line: line) {
            try DecisionGateRunpack.verify(directory: self.runpack.path)
        }
        guard kind == .verification else { return nil }
        let report = try DecisionGateRunpack.examine(directory: runpack.path).report
        XCTAssertFalse(report.passed, file: file, line: line)
        XCTAssertEqual(report.json["status"], "fail", file: file, line: line)
        return report
    }

    private func assertStoreViewAgrees(file: StaticString = #filePath, line: UInt = #line) throws {
        let sources = try DecisionGateFixtures.sources(of: runpack)
        XCTAssertEqual(try DecisionGateRunpack.examine(files: sources).report,
                       try DecisionGateRunpack.examine(directory: runpack.path).report, file: file, line: line)
    }

    func testAFlippedByteInAnyArtifactIsAHashMismatchForThatFile() throws {
        let artifacts = try FileManager.default.contentsOfDirectory(atPath: url("artifacts").path).sorted()
        XCTAssertEqual(artifacts.count, 8)
        for name in artifacts {
            let relative = "artifacts/" + name
            try flipByte(relative, at: 0)
            let report = try assertFails(containing: ["hash mismatch for \(relative)", "manifest.json declares"])
            XCTAssertEqual(report?.checkedFiles, 8)
            try assertStoreViewAgrees()
            try flipByte(relative, at: 0)
            XCTAssertNoThrow(try DecisionGateRunpack.verify(directory: runpack.path))
        }
    }

    func testAFlippedByteInTheManifestsHashesIsARootHashMismatch() throws {
        let manifest = try String(contentsOf: url("manifest.json"), encoding: .utf8)
        // The last hex digit of integrity.root_hash.value.
        let rootValue = manifest.range(of: #""root_hash":{"algorithm":"sha256","value":""#)!.upperBound
        let lastDigit = manifest.utf8.distance(from: manifest.startIndex, to: rootValue) + 63
        try flipByte("manifest.json", at: lastDigit)
        let report = try assertFails(containing: ["root hash mismatch", "manifest.json integrity.root_hash is"])
        XCTAssertEqual(report?.errors, ["root hash mismatch"])
        try assertStoreViewAgrees()
    }

    func testAFlippedByteInADeclaredFileHashFailsTheFileAndTheRoot() throws {
        let manifest = try String(contentsOf: url("manifest.json"), encoding: .utf8)
        let entry = manifest.range(of: #"{"hash":{"algorithm":"sha256","value":""#)!.upperBound
        try flipByte("manifest.json", at: manifest.utf8.distance(from: manifest.startIndex, to: entry))
        let report = try assertFails(containing: ["hash mismatch for artifacts/scenario_spec.json", "root hash mismatch"])
        XCTAssertEqual(Array(report?.errors.prefix(2) ?? []),
                       ["hash mismatch for artifacts/scenario_spec.json", "root hash mismatch"])
    }

    func testAnUndeclaredFileFails() throws {
        try Data("hello".utf8).write(to: url("notes.txt"))
        let report = try assertFails(containing: ["undeclared file notes.txt"])
        XCTAssertEqual(report?.checkedFiles, 8)
        try assertStoreViewAgrees()
    }

    func testAMissingArtifactFailsAsDecisionGateReportsIt() throws {
        try FileManager.default.removeItem(at: url("artifacts/packets.json"))
        let report = try assertFails(containing: [
            "artifact read failed for artifacts/packets.json: artifact error: unable to read artifact metadata",
        ])
        XCTAssertEqual(report?.checkedFiles, 7)
        try assertStoreViewAgrees()
    }

    func testAMissingDecisionLogAlsoFailsTheDecisionCheck() throws {
        try FileManager.default.removeItem(at: url("artifacts/decisions.json"))
        let report = try assertFails(containing: ["artifact read failed for artifacts/decisions.json"])
        XCTAssertTrue(report?.errors.contains("decision log read failed: artifact error: unable to read artifact metadata") ?? false,
                      "\(report?.errors ?? [])")
    }

    func testASymlinkToAFileInsideTheRunpackFails() throws {
        // Decision Gate follows this link and passes; the store would keep a file, not a link.
        try FileManager.default.moveItem(at: url("artifacts/packets.json"), to: url("artifacts/packets.real"))
        try FileManager.default.createSymbolicLink(atPath: url("artifacts/packets.json").path, withDestinationPath: "packets.real")
        try assertFails(containing: ["artifact read failed for artifacts/packets.json", "artifacts/packets.json is a symbolic link",
                                     "undeclared file artifacts/packets.real"])
    }

    func testASymlinkToAFileOutsideTheRunpackFails() throws {
        let outside = scratch.url.appendingPathComponent("outside-packets.json")
        try FileManager.default.moveItem(at: url("artifacts/packets.json"), to: outside)
        try FileManager.default.createSymbolicLink(atPath: url("artifacts/packets.json").path, withDestinationPath: outside.path)
        let report = try assertFails(containing: ["artifacts/packets.json is a symbolic link"])
        XCTAssertEqual(report?.checkedFiles, 7, "the link must not be read")
    }

    func testASymlinkedArtifactsDirectoryFails() throws {
        let outside = scratch.url.appendingPathComponent("outside-artifacts")
        try FileManager.default.moveItem(at: url("artifacts"), to: outside)
        try FileManager.default.createSymbolicLink(atPath: url("artifacts").path, withDestinationPath: outside.path)
        let report = try assertFails(containing: ["artifact read failed for artifacts/scenario_spec.json",
                                                  "artifacts is a symbolic link"])
        XCTAssertEqual(report?.checkedFiles, 0)
    }

    func testASymlinkedManifestFails() throws {
        try FileManager.default.moveItem(at: url("manifest.json"), to: url("real-manifest.json"))
        try FileManager.default.createSymbolicLink(atPath: url("manifest.json").path, withDestinationPath: "real-manifest.json")
        XCTAssertFalse(DecisionGateRunpack.looksLikeRunpack(directory: runpack.path))
        // A good runpack.json beside it does not make the link acceptable.
        try FileManager.default.copyItem(at: url("real-manifest.json"), to: url("runpack.json"))
        XCTAssertFalse(DecisionGateRunpack.looksLikeRunpack(directory: runpack.path))
        // Without a manifest there is no report either: both refuse.
        for run in [{ try DecisionGateRunpack.verify(directory: self.runpack.path) as Any },
                    { try DecisionGateRunpack.examine(directory: self.runpack.path).report as Any }] {
            assertFormatError(.verification, containing: ["\(runpack.path)/manifest.json is a symbolic link"], run)
        }
    }

    func testANamedPipeFailsWithoutBlocking() throws {
        XCTAssertEqual(mkfifo(url("artifacts/pipe").path, 0o644), 0)
        try assertFails(containing: ["artifacts/pipe is a named pipe"])
        // Declared, it is refused before any read could block on it.
        try DecisionGateFixtures.reseal(runpack, edit: """
        m["integrity"]["file_hashes"].append({"path": "artifacts/pipe", "hash": {"algorithm": "sha256", "value": "00"}})
        """)
        try assertFails(containing: ["artifact read failed for artifacts/pipe: artifact error: unable to read artifact",
                                     "artifacts/pipe is a named pipe"])
    }

    func testAnEmptyDirectoryFails() throws {
        try FileManager.default.createDirectory(at: url("artifacts/empty"), withIntermediateDirectories: false)
        try assertFails(containing: ["empty directory artifacts/empty"])
    }

    func testADotDotPathInTheManifestFailsEvenWhenItsHashIsRight() throws {
        let outside = scratch.url.appendingPathComponent("outside.json")
        try Data("[]".utf8).write(to: outside)
        try DecisionGateFixtures.reseal(runpack, edit: """
        m["integrity"]["file_hashes"].append({"path": "../outside.json", "hash": {"algorithm": "sha256",
            "value": "4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945"}})
        """)
        let report = try assertFails(containing: [
            "artifact read failed for ../outside.json: artifact error: artifact path escapes runpack root",
        ])
        XCTAssertEqual(report?.checkedFiles, 8)
        try assertStoreViewAgrees()
    }

    func testAbsoluteAndUnnormalisedPathsInTheManifestFail() throws {
        try DecisionGateFixtures.reseal(runpack, edit: """
        m["integrity"]["file_hashes"].append({"path": "/etc/hostname", "hash": {"algorithm": "sha256", "value": "00"}})
        m["integrity"]["file_hashes"].append({"path": "./artifacts/packets.json", "hash": {"algorithm": "sha256", "value": "00"}})
        m["integrity"]["file_hashes"].append({"path": "artifacts\\\\packets.json", "hash": {"algorithm": "sha256", "value": "00"}})
        """)
        try assertFails(containing: [
            "artifact read failed for /etc/hostname: artifact error: absolute artifact path not allowed",
            "artifact read failed for ./artifacts/packets.json: artifact error: unsafe artifact path",
            #"artifact read failed for artifacts\packets.json: artifact error: unsafe artifact path: it contains a backslash"#,
        ])
    }

    func testAnArtifactOverSixteenMebibytesFailsAndOneAtTheLimitPasses() throws {
        let limit = DecisionGateRunpack.maxArtifactBytes
        XCTAssertEqual(limit, 16 * 1024 * 1024)
        for size in [limit, limit + 1] {
            runpack = try scratch.copy(of: DecisionGateFixtures.visibilityPacket, as: "size-\(size)")
            try Data(count: size).write(to: url("artifacts/big.bin"))
            // Python hashes the file, so only its size can be wrong.
            try DecisionGateFixtures.reseal(runpack, edit: """
            m["integrity"]["file_hashes"].append({"path": "artifacts/big.bin", "hash": {"algorithm": "sha256", "value": ""}})
            """)
            if size == limit {
                let verified = try DecisionGateRunpack.verify(directory: runpack.path)
                XCTAssertEqual(verified.files.first { $0.path == "artifacts/big.bin" }?.size, limit)
                XCTAssertEqual(try DecisionGateJSON.canonicalBytes(verified.report).utf8String,
                               #"{"checked_files":9,"errors":[],"status":"pass"}"#)
            } else {
                let report = try assertFails(containing: ["artifact too large: artifacts/big.bin (16777217 > 16777216)"])
                XCTAssertEqual(report?.checkedFiles, 8)
                try assertStoreViewAgrees()
            }
        }
    }

    func testAnOversizedManifestIsNotARunpack() throws {
        var padded = Array(try Data(contentsOf: url("manifest.json")))
        padded += [UInt8](repeating: 0x20, count: DecisionGateRunpack.maxArtifactBytes + 1 - padded.count)
        try Data(padded).write(to: url("manifest.json"))
        XCTAssertFalse(DecisionGateRunpack.looksLikeRunpack(directory: runpack.path))
        try assertFails(.invalidInput, containing: ["manifest.json", "artifact too large"])
    }

    // MARK: What the manifest says beyond its hashes

    func testADuplicateDecisionForATriggerFails() throws {
        let decisions = try String(contentsOf: url("artifacts/decisions.json"), encoding: .utf8)
        try Data(decisions.replacingOccurrences(of: #""trigger_id":"trigger-1""#, with: #""trigger_id":"init""#).utf8)
            .write(to: url("artifacts/decisions.json"))
        try DecisionGateFixtures.reseal(runpack)
        let report = try assertFails(containing: ["duplicate decision for trigger init", "artifacts/decisions.json"])
        XCTAssertEqual(report?.errors, ["duplicate decision for trigger init"])
    }

    func testADecisionLogThatIsNotDecisionRecordsFails() throws {
        try Data(#"[{"decision_id":"d","trigger_id":"t"}]"#.utf8).write(to: url("artifacts/decisions.json"))
        try DecisionGateFixtures.reseal(runpack)
        let report = try assertFails(containing: ["invalid decision log: missing field `seq`"])
        XCTAssertEqual(report?.errors, ["invalid decision log: missing field `seq`"])
    }

    func testAnAnchorPolicyIsEnforcedOnTheEvidence() throws {
        // anchor_policy is outside the root hash, so the pack stays sealed.
        try DecisionGateFixtures.reseal(runpack, edit: """
        m["anchor_policy"] = {"providers": [{"provider_id": "time",
            "requirement": {"anchor_type": "trigger_time_logical", "required_fields": ["tick"]}}]}
        """)
        var report = try assertFails(containing: [
            "anchor invalid for condition after (trigger trigger-1, stage stage-1): anchor_value must be a JSON object",
        ])
        XCTAssertEqual(report?.errors.count, 1)
        try DecisionGateFixtures.reseal(runpack, edit: """
        m["anchor_policy"]["providers"][0]["requirement"]["anchor_type"] = "snapshot"
        """)
        report = try assertFails(containing: ["anchor_type mismatch: expected snapshot got trigger_time_logical"])
        // A policy for another provider asks nothing of this evidence.
        try DecisionGateFixtures.reseal(runpack, edit: """
        m["anchor_policy"]["providers"][0]["provider_id"] = "github"
        """)
        XCTAssertNoThrow(try DecisionGateRunpack.verify(directory: runpack.path))
    }

    func testAnUnsupportedManifestVersionStopsAtOnce() throws {
        try DecisionGateFixtures.reseal(runpack, edit: #"m["manifest_version"] = "v2""#)
        let report = try assertFails(containing: ["unsupported manifest version: v2"])
        XCTAssertEqual(report, DecisionGateRunpack.Report(checkedFiles: 0, errors: ["unsupported manifest version: v2"]))
    }

    func testAnArtifactIndexOrSpecHashThatDisagreesWithTheFilesFails() throws {
        try DecisionGateFixtures.reseal(runpack)
        var manifest = try String(contentsOf: url("manifest.json"), encoding: .utf8)
        let specHash = "df1ae4e58356510a0357c9075272ad42da6fc0a8570252b09c10bd04ff0f63c4"
        // Only the copy in spec_hash and artifacts[0] change; integrity is untouched.
        let zeros = String(repeating: "0", count: 64)
        manifest = manifest.replacingOccurrences(of: #""spec_hash":{"algorithm":"sha256","value":"\#(specHash)""#,
                                                 with: #""spec_hash":{"algorithm":"sha256","value":"\#(zeros)""#)
        manifest = manifest.replacingOccurrences(
            of: #""hash":{"algorithm":"sha256","value":"\#(specHash)"},"kind":"scenario_spec""#,
            with: #""hash":{"algorithm":"sha256","value":"\#(zeros)"},"kind":"scenario_spec""#)
        try Data(manifest.utf8).write(to: url("manifest.json"))
        let report = try assertFails(containing: ["spec_hash does not match artifacts/scenario_spec.json"])
        XCTAssertEqual(report?.errors, [
            "artifact record artifacts/scenario_spec.json has a different hash than integrity.file_hashes",
            "spec_hash does not match artifacts/scenario_spec.json",
        ])
    }

    // MARK: Not a runpack

    func testAnEmptyDirectoryIsNotARunpack() throws {
        let empty = scratch.url.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: false)
        XCTAssertFalse(DecisionGateRunpack.looksLikeRunpack(directory: empty.path))
        assertFormatError(.invalidInput, containing: [empty.path, "no manifest.json"]) {
            try DecisionGateRunpack.verify(directory: empty.path)
        }
        assertFormatError(.invalidInput, containing: ["no manifest.json"]) { try DecisionGateRunpack.verify(files: [:]) }
    }

    func testAJSONFileThatIsNotAManifestIsNotARunpack() throws {
        try Data(#"{"schema_id":"gait.runpack.manifest","files":[]}"#.utf8).write(to: url("manifest.json"))
        XCTAssertFalse(DecisionGateRunpack.looksLikeRunpack(directory: runpack.path))
        let missingVersion = "manifest.json: not a Decision Gate runpack manifest: missing field `manifest_version`"
        assertFormatError(.invalidInput, containing: [missingVersion]) {
            try DecisionGateRunpack.verify(directory: self.runpack.path)
        }
        try Data("not json".utf8).write(to: url("manifest.json"))
        assertFormatError(.invalidInput, containing: ["manifest.json: not a Decision Gate runpack manifest: invalid character"]) {
            try DecisionGateRunpack.verify(files: try DecisionGateFixtures.sources(of: self.runpack))
        }
    }

    func testAMissingPathOrAFileIsNotARunpack() throws {
        let missing = scratch.url.appendingPathComponent("nowhere").path
        XCTAssertFalse(DecisionGateRunpack.looksLikeRunpack(directory: missing))
        assertFormatError(.invalidInput, containing: [missing, "no such directory"]) {
            try DecisionGateRunpack.verify(directory: missing)
        }
        let file = url("manifest.json").path
        XCTAssertFalse(DecisionGateRunpack.looksLikeRunpack(directory: file))
        assertFormatError(.invalidInput, containing: [file, "not a directory"]) { try DecisionGateRunpack.verify(directory: file) }
    }

    func testAManifestWithAZeroTenantIsNotARunpack() throws {
        try DecisionGateFixtures.reseal(runpack, edit: #"m["tenant_id"] = 0"#)
        assertFormatError(.invalidInput, containing: ["invalid value: integer `0`, expected a nonzero u64"]) {
            try DecisionGateRunpack.verify(directory: self.runpack.path)
        }
    }

    func testAStoreFileThatIsAlsoADirectoryFails() throws {
        var sources = try DecisionGateFixtures.sources(of: runpack)
        sources["artifacts/packets.json/inner"] = DecisionGateRunpack.FileSource(bytes: Array("x".utf8))
        assertFormatError(.verification, containing: ["artifacts/packets.json is both a file and a directory"]) {
            try DecisionGateRunpack.verify(files: sources)
        }
    }
}
