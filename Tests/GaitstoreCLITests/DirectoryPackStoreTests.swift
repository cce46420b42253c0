import Foundation
import XCTest

/// Decision Gate runpack directories through the store: import, verify, export identical, fsck.
final class DirectoryPackStoreTests: TemporaryDirectoryTestCase {
    func testRealDecisionGateRunpacksImportAndExportByteIdentically() throws {
        XCTAssertEqual(try gs(["init", "--principal", "ci@example"]).status, 0)
        let runpacks = ["golden/golden_time_after_pass", "golden/golden_visibility_packet", "backcompat/v1"]
            .map(runpackVector)
        let imported = try gs(["import", "--json"] + runpacks)
        XCTAssertEqual(imported.status, 0, imported.stderr)
        let packs = try XCTUnwrap(try json(imported.stdout)["packs"] as? [[String: Any]])
        XCTAssertEqual(packs.map { $0["id"] as? String }, ["fceca5534f343d4266f89d29a1519a6c0ed2935964ad5757a70ed58661dba228",
                                                           "3ae18bfe63690d16e27a68ede93b6143f3d86ed1d510936f18891df133c55721",
                                                           "fceca5534f343d4266f89d29a1519a6c0ed2935964ad5757a70ed58661dba228"])
        XCTAssertEqual(packs.map { $0["kind"] as? String }, Array(repeating: "decision-gate-runpack", count: 3))
        XCTAssertEqual(packs[2]["already_stored"] as? Bool, true, "backcompat/v1 is byte-identical to golden_time_after_pass")
        XCTAssertEqual(packs.map { $0["already_stored"] as? Bool }, [false, false, true], "only a pack seen before is not written again")

        for (runpack, id) in zip(runpacks.prefix(2), ["fceca553", "3ae18bfe"]) {
            let out = path("export-\(id)")
            let exported = try gs(["export", id, "--out", out])
            XCTAssertEqual(exported.status, 0, exported.stderr)
            let diff = try CLI.run(["-r", runpack, out], executable: URL(fileURLWithPath: "/usr/bin/diff"))
            XCTAssertEqual(diff.status, 0, "export differs from the imported runpack: \(diff.stdout)")
            // And the exported directory imports again under the same id.
            XCTAssertTrue(try gs(["import", "--json", out]).stdout.contains("\"already_stored\":true"))
        }
        let fsck = try gs(["fsck"])
        XCTAssertEqual(fsck.status, 0, fsck.stdout)
        XCTAssertTrue(fsck.stdout.contains("packs=2"), fsck.stdout)
    }

    /// A Decision Gate id (`root_hash`) does not cover `manifest.json`, so two runpacks can share
    /// an id and differ. The first stored is kept, and the import says so instead of calling the
    /// second one simply "known".
    func testARunpackWithTheSameIDButAnotherManifestIsReportedNotSilentlyDropped() throws {
        XCTAssertEqual(try gs(["init", "--principal", "ci@example"]).status, 0)
        let original = runpackVector("golden/golden_time_after_pass")
        let copy = path("rerun")
        XCTAssertEqual(try CLI.run(["-r", original, copy], executable: URL(fileURLWithPath: "/bin/cp")).status, 0)
        let manifest = copy + "/manifest.json"
        let text = try String(contentsOfFile: manifest, encoding: .utf8)
        XCTAssertTrue(text.contains("\"run-1\""))
        try text.replacingOccurrences(of: "\"run-1\"", with: "\"run-2\"").write(toFile: manifest, atomically: false, encoding: .utf8)

        let both = try gs(["import", "--json", original, copy])
        XCTAssertEqual(both.status, 0, "the changed manifest still verifies: \(both.stderr)")
        let packs = try XCTUnwrap(try json(both.stdout)["packs"] as? [[String: Any]])
        XCTAssertEqual(packs.map { $0["differs_from_stored"] as? Bool }, [false, true])
        XCTAssertEqual(packs.map { $0["already_stored"] as? Bool }, [false, true], "the second of one id is never written")
        XCTAssertEqual(both.stderr.split(separator: "\n").count, 1, both.stderr)
        XCTAssertTrue(both.stderr.contains("warning: pack fceca553") && both.stderr.contains("kept the stored copy"), both.stderr)

        let tip = try CLI.run(["-C", path("store"), "rev-parse", "refs/gaitstore/catalog"], executable: URL(fileURLWithPath: "/usr/bin/git")).stdout
        let again = try gs(["import", "--json", copy])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stdout.contains("\"differs_from_stored\":true") && again.stdout.contains("\"bytes_new\":0"), again.stdout)
        XCTAssertTrue(again.stderr.contains("kept the stored copy"), again.stderr)
        XCTAssertEqual(try CLI.run(["-C", path("store"), "rev-parse", "refs/gaitstore/catalog"], executable: URL(fileURLWithPath: "/usr/bin/git")).stdout, tip)
        let unchanged = try gs(["import", "--json", original])
        XCTAssertTrue(unchanged.stdout.contains("\"differs_from_stored\":false") && unchanged.stderr.isEmpty, unchanged.stderr)

        XCTAssertEqual(try gs(["export", "fceca553", "--out", path("out")]).status, 0)
        XCTAssertEqual(try CLI.run(["-r", original, path("out")], executable: URL(fileURLWithPath: "/usr/bin/diff")).status, 0,
                       "the first runpack stored is the one kept")
    }

    func testADamagedRunpackIsRefusedAndNothingIsStored() throws {
        XCTAssertEqual(try gs(["init", "--principal", "ci@example"]).status, 0)
        let copy = path("copy")
        XCTAssertEqual(try CLI.run(["-r", runpackVector("golden/golden_visibility_packet"), copy],
                                   executable: URL(fileURLWithPath: "/bin/cp")).status, 0)
        try "extra".write(toFile: copy + "/artifacts/undeclared.txt", atomically: true, encoding: .utf8)
        let r = try gs(["import", runpackVector("golden/golden_time_after_pass"), copy])
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(r.stderr.contains("undeclared.txt"), r.stderr)
        XCTAssertEqual(try gs(["ls"]).stdout, "")
        XCTAssertEqual(try gs(["import", path("no-such-dir")]).status, 6)
        try FileManager.default.createDirectory(atPath: path("empty"), withIntermediateDirectories: true)
        XCTAssertEqual(try gs(["import", path("empty")]).status, 6)
    }
}

/// AGS memory packs through the store, built by the same independent script the AGS tests use.
final class AGSPackStoreTests: TemporaryDirectoryTestCase {
    func testAnAGSPackImportsAndExportsAsTheSameDirectory() throws {
        let (pack, digest, _) = try agsFixture("src")
        XCTAssertEqual(try gs(["init", "--principal", "ci@example"]).status, 0)
        let imported = try gs(["import", "--json", pack])
        XCTAssertEqual(imported.status, 0, imported.stderr)
        let packs = try XCTUnwrap(try json(imported.stdout)["packs"] as? [[String: Any]])
        XCTAssertEqual(packs.first?["id"] as? String, digest)
        XCTAssertEqual(packs.first?["kind"] as? String, "ags-memory-pack")
        XCTAssertEqual(try gs(["export", digest, "--out", path("out")]).status, 0)
        let diff = try CLI.run(["-r", pack, path("out")], executable: URL(fileURLWithPath: "/usr/bin/diff"))
        XCTAssertEqual(diff.status, 0, diff.stdout)
        let modes = try CLI.shell("cd '\(pack)' && find . -type f -perm -u+x | sort; echo --; cd '\(path("out"))' && find . -type f -perm -u+x | sort")
        let halves = modes.stdout.components(separatedBy: "--\n")
        XCTAssertEqual(halves.first, halves.last, "executable bits survive the round trip")
        XCTAssertEqual(try gs(["fsck"]).status, 0)
    }

    /// A damaged stored object under an AGS pack is a verification failure (exit 2) naming the
    /// object, as under a gait zip, not an unexplained internal failure (exit 1).
    func testADamagedObjectOfAStoredAGSPackFailsVerification() throws {
        let (pack, digest, files) = try agsFixture("src")
        XCTAssertEqual(try importedIDs([pack]), [digest])
        let file = try XCTUnwrap(files.keys.filter { $0.hasPrefix("repo/") }.sorted().first)
        let blob = try CLI.run(["--git-dir", path("store"), "rev-parse", "refs/gaitstore/catalog:packs/\(digest.prefix(2))/\(digest)/\(file)"],
                               executable: URL(fileURLWithPath: "/usr/bin/git")).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let loose = path("store") + "/objects/" + blob.prefix(2) + "/" + blob.dropFirst(2)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: loose))
        bytes[bytes.count / 2] ^= 0x10
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: loose)
        try bytes.write(to: URL(fileURLWithPath: loose))

        let verify = try gs(["pack", "verify", digest])
        XCTAssertEqual(verify.status, 2, verify.stdout + verify.stderr)
        XCTAssertTrue((verify.stdout + verify.stderr).contains(blob), verify.stdout + verify.stderr)
        XCTAssertEqual(try gs(["fsck"]).status, 2)
    }
}
