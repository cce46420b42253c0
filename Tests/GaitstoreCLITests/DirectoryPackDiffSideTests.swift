import Foundation
import ObjectStore
import XCTest

/// `DirectoryPack.diffSide`: every file by the SHA-256 of its bytes as `sha256sum` computes them,
/// the manifest apart (its digest read with the pack's id), for a Decision Gate runpack and an AGS
/// memory pack.
final class DirectoryPackDiffSideTests: TemporaryDirectoryTestCase {
    /// path -> hex for every regular file under `directory`, by coreutils.
    private func sha256sums(_ directory: String) throws -> [String: String] {
        let listed = try CLI.shell("cd '\(directory)' && find . -type f -print0 | xargs -0 sha256sum")
        XCTAssertEqual(listed.status, 0, listed.stderr)
        var sums: [String: String] = [:]
        for line in listed.stdout.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            sums[String(parts[1].dropFirst(3))] = String(parts[0])  // " ./path"
        }
        return sums
    }

    private func assertSide(_ directory: String, kind: PackKind, manifest: String, packID: String,
                            file: StaticString = #filePath, line: UInt = #line) throws {
        let pack = try DirectoryPack(directory: directory)
        XCTAssertEqual(pack.kind, kind, file: file, line: line)
        let side = try pack.diffSide()
        var sums = try sha256sums(directory)
        XCTAssertEqual(side.manifestDigest, sums.removeValue(forKey: manifest), file: file, line: line)
        XCTAssertFalse(sums.isEmpty, file: file, line: line)
        XCTAssertEqual(side.files, sums, file: file, line: line)
        XCTAssertEqual(side.packID, packID, file: file, line: line)
        XCTAssertEqual(side.packType, kind.rawValue, file: file, line: line)
    }

    func testADecisionGateRunpackSide() throws {
        let runpack = runpackVector("golden/golden_time_after_pass")
        let manifest = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: runpack + "/manifest.json"))) as? [String: Any])
        let rootHash = try XCTUnwrap(((manifest["integrity"] as? [String: Any])?["root_hash"] as? [String: Any])?["value"] as? String)
        try assertSide(runpack, kind: .decisionGateRunpack, manifest: "manifest.json", packID: rootHash)
    }

    func testAnAGSMemoryPackSide() throws {
        let ags = try agsFixture("ags")
        try assertSide(ags.pack, kind: .agsMemoryPack, manifest: "meta/REPO_STATE.json", packID: ags.digest)
    }
}
