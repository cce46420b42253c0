import Foundation
import ObjectStore
import TestSupport
import XCTest

/// The three real runpacks from Decision Gate's repository, and the store-side view of them.
final class DecisionGateRunpackTests: XCTestCase {
    private let passReport = #"{"checked_files":8,"errors":[],"status":"pass"}"#

    func testRealRunpacksVerifyWithTheRootHashesDecisionGatePublishes() throws {
        let expected = [
            (DecisionGateFixtures.backcompat, "fceca5534f343d4266f89d29a1519a6c0ed2935964ad5757a70ed58661dba228",
             "golden-time-after", "run-1"),
            (DecisionGateFixtures.timeAfterPass, "fceca5534f343d4266f89d29a1519a6c0ed2935964ad5757a70ed58661dba228",
             "golden-time-after", "run-1"),
            (DecisionGateFixtures.visibilityPacket, "3ae18bfe63690d16e27a68ede93b6143f3d86ed1d510936f18891df133c55721",
             "golden-visibility", "run-2"),
        ]
        for (fixture, root, scenario, run) in expected {
            let directory = DecisionGateFixtures.path(fixture)
            XCTAssertTrue(DecisionGateRunpack.looksLikeRunpack(directory: directory), fixture)
            let verified = try DecisionGateRunpack.verify(directory: directory)
            XCTAssertEqual(verified.rootHash, root, fixture)
            XCTAssertEqual(verified.scenarioID, scenario, fixture)
            XCTAssertEqual(verified.runID, run, fixture)
            XCTAssertEqual(verified.manifestPath, "manifest.json")
            XCTAssertEqual(try DecisionGateJSON.canonicalBytes(verified.report).utf8String, passReport, fixture)
            XCTAssertEqual(try DecisionGateRunpack.examine(directory: directory).report.json, verified.report)
        }
    }

    func testVerifiedFilesAreEveryFileWithItsOwnHashInPathOrder() throws {
        let directory = DecisionGateFixtures.vectors.appendingPathComponent(DecisionGateFixtures.visibilityPacket)
        let verified = try DecisionGateRunpack.verify(directory: directory.path)
        XCTAssertEqual(verified.files.map(\.path), [
            "artifacts/decisions.json", "artifacts/gate_evals.json", "artifacts/packets.json",
            "artifacts/scenario_spec.json", "artifacts/submissions.json", "artifacts/tool_calls.json",
            "artifacts/triggers.json", "artifacts/verifier_report.json", "manifest.json",
        ])
        for file in verified.files {
            let bytes = try Data(contentsOf: directory.appendingPathComponent(file.path))
            XCTAssertEqual(file.size, bytes.count, file.path)
            XCTAssertEqual(file.sha256, SHA256Digest.of(Array(bytes)), file.path)
            XCTAssertEqual(file.mode, 0o100644, file.path)
        }
    }

    func testBackcompatV1IsGoldenTimeAfterPass() throws {
        let backcompat = try DecisionGateRunpack.verify(directory: DecisionGateFixtures.path(DecisionGateFixtures.backcompat))
        let golden = try DecisionGateRunpack.verify(directory: DecisionGateFixtures.path(DecisionGateFixtures.timeAfterPass))
        XCTAssertEqual(backcompat.files, golden.files)
        XCTAssertEqual(backcompat.rootHash, golden.rootHash)
        XCTAssertEqual(backcompat.manifest, golden.manifest)
    }

    /// Facts of the fixtures that the verifier relies on but does not itself produce.
    func testManifestDecodesWhatDecisionGateWrote() throws {
        let directory = DecisionGateFixtures.vectors.appendingPathComponent(DecisionGateFixtures.timeAfterPass)
        let verified = try DecisionGateRunpack.verify(directory: directory.path)
        let manifest = verified.manifest
        XCTAssertEqual(manifest.manifestVersion, "v1")
        XCTAssertEqual(manifest.generatedAt, .logical(10))
        XCTAssertEqual(manifest.tenantID, 1)
        XCTAssertEqual(manifest.verifierMode, "offline_strict")
        XCTAssertEqual(manifest.fileHashes.count, 8)
        XCTAssertEqual(manifest.fileHashes.last?.path, "artifacts/verifier_report.json")
        let spec = try Data(contentsOf: directory.appendingPathComponent("artifacts/scenario_spec.json"))
        XCTAssertEqual(manifest.specHash.value, SHA256Digest.of(Array(spec)).hex)
        XCTAssertTrue(manifest.specHash.value.hasPrefix("5e2f158f"))
        // The report inside was written before it was itself added: 7 files, not 8.
        let embedded = try Data(contentsOf: directory.appendingPathComponent("artifacts/verifier_report.json"))
        XCTAssertEqual(String(decoding: embedded, as: UTF8.self), #"{"checked_files":7,"errors":[],"status":"pass"}"#)
    }

    func testAStoreFileListVerifiesExactlyAsItsDirectory() throws {
        for fixture in [DecisionGateFixtures.backcompat, DecisionGateFixtures.visibilityPacket] {
            let directory = DecisionGateFixtures.vectors.appendingPathComponent(fixture)
            let fromDisk = try DecisionGateRunpack.verify(directory: directory.path)
            let fromStore = try DecisionGateRunpack.verify(files: try DecisionGateFixtures.sources(of: directory))
            XCTAssertEqual(fromStore.rootHash, fromDisk.rootHash)
            XCTAssertEqual(fromStore.files, fromDisk.files)
            XCTAssertEqual(fromStore.report, fromDisk.report)
            XCTAssertEqual(fromStore.manifest, fromDisk.manifest)
        }
    }

    func testTheCLIManifestNameIsAcceptedToo() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let runpack = try scratch.copy(of: DecisionGateFixtures.visibilityPacket)
        try FileManager.default.moveItem(at: runpack.appendingPathComponent("manifest.json"),
                                         to: runpack.appendingPathComponent("runpack.json"))
        XCTAssertTrue(DecisionGateRunpack.looksLikeRunpack(directory: runpack.path))
        let verified = try DecisionGateRunpack.verify(directory: runpack.path)
        XCTAssertEqual(verified.manifestPath, "runpack.json")
        XCTAssertEqual(verified.rootHash, "3ae18bfe63690d16e27a68ede93b6143f3d86ed1d510936f18891df133c55721")
        XCTAssertEqual(verified.files.last?.path, "runpack.json")
    }

    func testAnExecutableArtifactIsReportedWithGitsExecutableMode() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let runpack = try scratch.copy(of: DecisionGateFixtures.visibilityPacket)
        try FileManager.default.setAttributes([.posixPermissions: 0o755],
                                              ofItemAtPath: runpack.appendingPathComponent("artifacts/packets.json").path)
        let verified = try DecisionGateRunpack.verify(directory: runpack.path)
        let modes = Dictionary(uniqueKeysWithValues: verified.files.map { ($0.path, $0.mode) })
        XCTAssertEqual(modes["artifacts/packets.json"], 0o100755)
        XCTAssertEqual(modes["artifacts/triggers.json"], 0o100644)
        let fromStore = try DecisionGateRunpack.verify(files: try DecisionGateFixtures.sources(of: runpack))
        XCTAssertEqual(fromStore.files, verified.files)
    }

    /// Python's hashlib and json, not this code, recompute every hash: a pristine copy re-seals to
    /// the very bytes Decision Gate wrote.
    func testAnIndependentResealReproducesTheManifestByteForByte() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        for fixture in [DecisionGateFixtures.timeAfterPass, DecisionGateFixtures.visibilityPacket] {
            let runpack = try scratch.copy(of: fixture, as: UUID().uuidString)
            try DecisionGateFixtures.reseal(runpack)
            XCTAssertEqual(try Data(contentsOf: runpack.appendingPathComponent("manifest.json")),
                           try Data(contentsOf: DecisionGateFixtures.vectors.appendingPathComponent(fixture + "/manifest.json")))
        }
    }
}
