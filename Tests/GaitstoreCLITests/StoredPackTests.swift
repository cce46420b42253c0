import Foundation
import ObjectStore
import XCTest

/// `Store.storedPack` on a store the real CLI filled: each kind opens with its own reader, and
/// `Store.diff` refuses packs of different kinds as `pack diff` does.
final class StoredPackTests: TemporaryDirectoryTestCase {
    private var runpack: String { runpackVector("golden/golden_time_after_pass") }

    /// The ids of a gait zip, a Decision Gate runpack and an AGS memory pack, imported in that order.
    private func importThreeKinds() throws -> (gait: String, runpack: String, ags: String) {
        let ids = try importedIDs([tck("pack_run.zip"), runpack, try agsFixture("ags").pack])
        return (ids[0], ids[1], ids[2])
    }

    func testEachKindOpensWithItsReader() throws {
        let ids = try importThreeKinds()
        let store = try Store.open(at: path("store"))
        let catalog = try store.catalogTree()
        /// The pack's tree by stock git's reading of the catalog, not by the lookup under test.
        func gitsTree(_ id: String) throws -> GitOID? {
            let parsed = try CLI.run(["--git-dir", path("store"), "rev-parse", "refs/gaitstore/catalog:packs/\(id.prefix(2))/\(id)"],
                                     executable: URL(fileURLWithPath: "/usr/bin/git"))
            return GitOID(hex: parsed.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        }

        let gait = try store.storedPack(ids.gait)
        XCTAssertEqual(gait.kind, .packSpec)
        XCTAssertEqual(gait.tree, try gitsTree(ids.gait))
        guard case .gait(let gaitPack) = gait.reader else { return XCTFail("a gait zip opened as \(gait.reader)") }
        let verified = try PackVerifier.verify(archive: try gaitPack.archive(), options: VerifyOptions())
        XCTAssertTrue(verified.ok(requireSignature: false))
        XCTAssertEqual(verified.packID.lowercased(), ids.gait)

        for (id, kind) in [(ids.runpack, PackKind.decisionGateRunpack), (ids.ags, .agsMemoryPack)] {
            let stored = try store.storedPack(id, in: catalog)
            XCTAssertEqual(stored.kind, kind)
            XCTAssertEqual(stored.tree, try gitsTree(id))
            guard case .directory(let directoryPack) = stored.reader else { return XCTFail("\(kind) opened as \(stored.reader)") }
            XCTAssertEqual(directoryPack.kind, kind)
            XCTAssertEqual(try directoryPack.verifiedID().lowercased(), id)
        }

        // A stored runpack's files come back with the size and SHA-256 of the files imported.
        let listed = try CLI.shell("cd '\(runpack)' && find . -type f -printf '%P %s ' -exec sha256sum {} \\;")
        XCTAssertEqual(listed.status, 0, listed.stderr)
        let onDisk = listed.stdout.split(separator: "\n").map { $0.split(separator: " ").prefix(3).joined(separator: " ") }
        let stored = try store.files(of: ids.runpack, in: catalog).map { "\($0.path) \($0.size) \($0.sha256)" }
        XCTAssertEqual(stored.sorted(), onDisk.sorted())

        XCTAssertThrowsError(try store.storedPack(String(repeating: "0", count: 64))) { error in
            XCTAssertTrue("\(error)".contains("unknown pack id"), "\(error)")
        }
    }

    func testStoreDiffRefusesPacksOfDifferentKinds() throws {
        let ids = try importThreeKinds()
        let store = try Store.open(at: path("store"))
        for (left, right, message) in [
            (ids.gait, ids.runpack, "cannot diff a gait pack (\(ids.gait)) against a decision-gate-runpack (\(ids.runpack))"),
            (ids.ags, ids.gait, "cannot diff a ags-memory-pack (\(ids.ags)) against a gait pack (\(ids.gait))"),
            (ids.runpack, ids.ags, "cannot diff a decision-gate-runpack (\(ids.runpack)) against a ags-memory-pack (\(ids.ags))"),
        ] {
            XCTAssertThrowsError(try store.diff(left, right)) { error in
                XCTAssertEqual((error as? FormatError)?.message, message)
            }
        }
        for id in [ids.gait, ids.runpack, ids.ags] {
            XCTAssertFalse(try store.diff(id, id).changed, id)
        }
    }
}
