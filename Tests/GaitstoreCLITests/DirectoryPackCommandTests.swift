import Foundation
import XCTest

/// `pack verify / inspect / diff` on Decision Gate runpacks and AGS memory packs, as directories
/// and as stored ids; expectations come from the packs' own manifests, not from gaitstore.
final class DirectoryPackCommandTests: TemporaryDirectoryTestCase {
    var timeAfter: String { runpackVector("golden/golden_time_after_pass") }
    var visibility: String { runpackVector("golden/golden_visibility_packet") }

    /// The manifest's `integrity.file_hashes` as path -> hex, and its `root_hash`.
    func manifest(_ directory: String) throws -> (files: [String: String], rootHash: String, fields: [String: Any]) {
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/manifest.json"))) as? [String: Any])
        let integrity = try XCTUnwrap(object["integrity"] as? [String: Any])
        var files: [String: String] = [:]
        for entry in try XCTUnwrap(integrity["file_hashes"] as? [[String: Any]]) {
            files[try XCTUnwrap(entry["path"] as? String)] = try XCTUnwrap((entry["hash"] as? [String: Any])?["value"] as? String)
        }
        let root = try XCTUnwrap((integrity["root_hash"] as? [String: Any])?["value"] as? String)
        return (files, root, object)
    }

    func copy(_ source: String, to name: String) throws -> String {
        XCTAssertEqual(try CLI.run(["-r", source, path(name)], executable: URL(fileURLWithPath: "/bin/cp")).status, 0)
        return path(name)
    }

    func diffSummary(_ left: String, _ right: String) throws -> (status: Int32, result: [String: Any]) {
        let r = try gs(["pack", "diff", "--json", left, right])
        let result = try XCTUnwrap((try json(r.stdout)["diff"] as? [String: Any])?["Result"] as? [String: Any], r.stderr)
        return (r.status, result)
    }

    /// added, removed, changed between two path -> sha256 maps.
    func expectedChanges(_ a: [String: String], _ b: [String: String]) -> (added: [String], removed: [String], changed: [String]) {
        (Set(b.keys).subtracting(a.keys).sorted(), Set(a.keys).subtracting(b.keys).sorted(),
         a.keys.filter { b[$0] != nil && b[$0] != a[$0] }.sorted())
    }

    /// A diff that found the manifests differ (exit 2, `manifest_delta`) and lists exactly the
    /// `expected` added, removed and changed files.
    func assertDiff(_ diff: (status: Int32, result: [String: Any]),
                    lists expected: (added: [String], removed: [String], changed: [String]),
                    file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(diff.status, 2, file: file, line: line)
        let summary = diff.result["summary"] as? [String: Any] ?? [:]
        func list(_ key: String) -> [String] { ((summary[key] as? [String]) ?? []).sorted() }
        XCTAssertEqual(list("added_files"), expected.added, file: file, line: line)
        XCTAssertEqual(list("removed_files"), expected.removed, file: file, line: line)
        XCTAssertEqual(list("changed_files"), expected.changed, file: file, line: line)
        XCTAssertEqual(summary["manifest_delta"] as? Bool, true, file: file, line: line)
    }

    // MARK: Decision Gate

    func testRunpackDirectoryAndItsStoredIDVerifyAlike() throws {
        let ids = try importedIDs([timeAfter, visibility])
        for (directory, id) in zip([timeAfter, visibility], ids) {
            let declared = try manifest(directory)
            let onDisk = try gs(["pack", "verify", "--json", directory])
            let stored = try gs(["pack", "verify", "--json", id])
            XCTAssertEqual(onDisk.status, 0, onDisk.stderr)
            XCTAssertEqual(stored.status, 0, stored.stderr)
            let a = try json(onDisk.stdout), b = try json(stored.stdout)
            XCTAssertEqual(a["ok"] as? Bool, true)
            XCTAssertEqual(a["pack_id"] as? String, declared.rootHash)
            XCTAssertEqual(b["pack_id"] as? String, declared.rootHash)
            XCTAssertEqual(a["pack_type"] as? String, "decision-gate-runpack")
            XCTAssertEqual(a["source_ref"] as? String, declared.fields["run_id"] as? String)
            let report = try XCTUnwrap(a["verify"] as? [String: Any])
            XCTAssertEqual(report["status"] as? String, "pass")
            XCTAssertEqual(report["checked_files"] as? Int, declared.files.count)
            XCTAssertEqual(report["errors"] as? [String], [])
            XCTAssertEqual(report as NSDictionary, b["verify"] as? NSDictionary)
        }
        let text = try gs(["pack", "verify", timeAfter])
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.hasPrefix("ok \(timeAfter)\npack_id=\(try manifest(timeAfter).rootHash)\npack_type=decision-gate-runpack\n"), text.stdout)
    }

    func testAFlippedArtifactByteFailsWithDecisionGatesMessage() throws {
        let copy = try copy(visibility, to: "tampered")
        let artifact = URL(fileURLWithPath: copy + "/artifacts/decisions.json")
        var bytes = try Data(contentsOf: artifact)
        bytes[bytes.count / 2] ^= 0x01
        try bytes.write(to: artifact)

        let text = try gs(["pack", "verify", copy])
        XCTAssertEqual(text.status, 2, text.stderr)
        XCTAssertTrue(text.stdout.hasPrefix("FAILED \(copy)\n"), text.stdout)
        XCTAssertTrue(text.stdout.contains("error: hash mismatch for artifacts/decisions.json\n"), text.stdout)
        XCTAssertEqual(text.stderr.split(separator: "\n").count, 1, text.stderr)
        XCTAssertTrue(text.stderr.contains("hash mismatch for artifacts/decisions.json"), text.stderr)

        let r = try gs(["pack", "verify", "--json", copy])
        XCTAssertEqual(r.status, 2)
        let envelope = try json(r.stdout)
        XCTAssertEqual(envelope["ok"] as? Bool, false)
        XCTAssertEqual(envelope["error_code"] as? String, "verification_failed")
        XCTAssertEqual(envelope["pack_id"] as? String, try manifest(visibility).rootHash)
        let report = try XCTUnwrap(envelope["verify"] as? [String: Any])
        XCTAssertEqual(report["status"] as? String, "fail")
        XCTAssertEqual(report["errors"] as? [String], ["hash mismatch for artifacts/decisions.json"])
    }

    func testRequireSignatureFailsOnARunpackWhileTheOtherGaitOptionsAreIgnored() throws {
        let demanded = try gs(["pack", "verify", "--require-signature", timeAfter])
        XCTAssertEqual(demanded.status, 2, demanded.stdout)
        XCTAssertTrue(demanded.stdout.contains("error: --require-signature"), demanded.stdout)
        // Strict still needs a key (a usage rule, checked before any pack is read), but given one
        // it changes nothing for a runpack, which carries no signature gaitstore checks.
        let strict = try gs(["pack", "verify", "--profile", "strict", "--public-key", tck("keys/signer_public.key"), timeAfter])
        XCTAssertEqual(strict.status, 0, strict.stderr)
        XCTAssertEqual(strict.stdout, try gs(["pack", "verify", timeAfter]).stdout)
        XCTAssertEqual(try gs(["pack", "verify", "--profile", "strict", timeAfter]).status, 6, "strict without a key is a usage error")
    }

    func testInspectShowsTheManifestsIdentity() throws {
        let ids = try importedIDs([timeAfter])
        let declared = try manifest(timeAfter)
        let text = try gs(["pack", "inspect", timeAfter])
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.contains("run_id=\(declared.fields["run_id"]!)\n"), text.stdout)
        XCTAssertTrue(text.stdout.contains("scenario_id=\(declared.fields["scenario_id"]!)\n"), text.stdout)
        XCTAssertTrue(text.stdout.contains("files=\(declared.files.count + 1)\n"), text.stdout)

        let onDisk = try json(try gs(["pack", "inspect", "--json", timeAfter]).stdout)
        let stored = try json(try gs(["pack", "inspect", "--json", ids[0]]).stdout)
        let inspection = try XCTUnwrap(onDisk["inspect"] as? [String: Any])
        XCTAssertEqual(inspection["pack_id"] as? String, declared.rootHash)
        XCTAssertEqual(inspection["tenant_id"] as? Int, declared.fields["tenant_id"] as? Int)
        let bytes = try FileManager.default.subpathsOfDirectory(atPath: timeAfter).reduce(0) { total, sub in
            let attributes = try FileManager.default.attributesOfItem(atPath: timeAfter + "/" + sub)
            return total + ((attributes[.type] as? FileAttributeType) == .typeRegular ? (attributes[.size] as? Int ?? 0) : 0)
        }
        XCTAssertEqual(inspection["bytes"] as? Int, bytes)
        XCTAssertEqual(inspection as NSDictionary, stored["inspect"] as? NSDictionary)
    }

    func testDiffOfTwoRunpacksListsWhatTheirManifestsDeclareDifferently() throws {
        let ids = try importedIDs([timeAfter, visibility])
        let expected = expectedChanges(try manifest(timeAfter).files, try manifest(visibility).files)
        XCTAssertFalse(expected.changed.isEmpty)

        let dirs = try diffSummary(timeAfter, visibility)
        assertDiff(dirs, lists: expected)
        XCTAssertEqual(dirs.result["left_pack_id"] as? String, ids[0])
        XCTAssertEqual(dirs.result["right_pack_type"] as? String, "decision-gate-runpack")

        let mixedPlaces = try diffSummary(timeAfter, ids[1])
        XCTAssertEqual(mixedPlaces.status, 2)
        XCTAssertEqual(mixedPlaces.result as NSDictionary, dirs.result as NSDictionary)
        let bothStored = try diffSummary(ids[0], ids[1])
        XCTAssertEqual(bothStored.result as NSDictionary, dirs.result as NSDictionary)

        for (left, right) in [(timeAfter, timeAfter), (timeAfter, ids[0]), (ids[1], ids[1])] {
            let same = try gs(["pack", "diff", left, right])
            XCTAssertEqual(same.status, 0, same.stdout + same.stderr)
            XCTAssertTrue(same.stdout.contains("\"changed\":false"), same.stdout)
        }
    }

    // MARK: AGS

    func testAGSPacksVerifyInspectAndDiff() throws {
        let a = try agsFixture("a"), b = try agsFixture("b", note: "a second pack\n")
        let ids = try importedIDs([b.pack])
        XCTAssertEqual(ids, [b.digest])

        for source in [a.pack, b.pack, b.digest] {
            let r = try gs(["pack", "verify", "--json", source])
            XCTAssertEqual(r.status, 0, r.stderr)
            let envelope = try json(r.stdout)
            XCTAssertEqual(envelope["pack_id"] as? String, source == a.pack ? a.digest : b.digest)
            XCTAssertEqual(envelope["pack_type"] as? String, "ags-memory-pack")
            let report = try XCTUnwrap(envelope["verify"] as? [String: Any])
            XCTAssertEqual(report["files_checked"] as? Int, (source == a.pack ? a : b).files.count)
            XCTAssertEqual(report["grammar_version"] as? String, "1.0")
            XCTAssertEqual(report["scope"] as? String, "ags")
        }

        let inspect = try gs(["pack", "inspect", b.digest])
        XCTAssertEqual(inspect.status, 0, inspect.stderr)
        for line in ["pack_id=\(b.digest)", "pack_type=ags-memory-pack", "files=\(b.files.count)",
                     "grammar_version=1.0", "canon_version=3.1.4", "scope=ags"] {
            XCTAssertTrue(inspect.stdout.contains(line + "\n"), inspect.stdout)
        }

        var left = a.files, right = b.files
        left["meta/REPO_STATE.json"] = nil
        right["meta/REPO_STATE.json"] = nil
        let expected = expectedChanges(left, right)
        XCTAssertTrue(expected.added.contains("repo/MEMORY/notes/note.md"))
        let onDisk = try diffSummary(a.pack, b.pack)
        assertDiff(onDisk, lists: expected)
        XCTAssertEqual(try diffSummary(a.pack, b.digest).result as NSDictionary, onDisk.result as NSDictionary)
        XCTAssertEqual(try gs(["pack", "diff", b.pack, b.digest]).status, 0)

        let agents = a.pack + "/repo/AGENTS.md"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: agents))
        bytes[0] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: agents))
        let tampered = try gs(["pack", "verify", "--json", a.pack])
        XCTAssertEqual(tampered.status, 2, tampered.stderr)
        XCTAssertEqual(try json(tampered.stdout)["ok"] as? Bool, false)
        XCTAssertTrue(tampered.stderr.contains("repo/AGENTS.md"), tampered.stderr)
    }

    // MARK: Mixing kinds

    func testPacksOfDifferentKindsAreNotCompared() throws {
        let ags = try agsFixture("ags")
        let gaitZip = tck("pack_run.zip")
        for (left, right, kinds) in [(gaitZip, timeAfter, ["gait pack", "decision-gate-runpack"]),
                                     (timeAfter, ags.pack, ["decision-gate-runpack", "ags-memory-pack"])] {
            let r = try gs(["pack", "diff", left, right])
            XCTAssertEqual(r.status, 6, r.stdout)
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
            XCTAssertTrue(kinds.allSatisfy { r.stderr.contains("a \($0) (") }, r.stderr)
        }
        try FileManager.default.createDirectory(atPath: path("plain"), withIntermediateDirectories: true)
        let plain = try gs(["pack", "verify", path("plain")])
        XCTAssertEqual(plain.status, 6)
        XCTAssertTrue(plain.stderr.contains("neither a Decision Gate runpack nor an AGS memory pack"), plain.stderr)
    }

    func testOneVerifyCallReportsARunpackAndAGaitZipInOrder() throws {
        let gaitZip = tck("pack_run.zip")
        let alone = try gs(["pack", "verify", "--json", gaitZip])
        let r = try gs(["pack", "verify", "--json", timeAfter, gaitZip])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 2, r.stdout)
        XCTAssertEqual(try json(lines[0])["pack_type"] as? String, "decision-gate-runpack")
        XCTAssertEqual(try json(lines[1])["pack_id"] as? String, try json(alone.stdout)["pack_id"] as? String)

        let text = try gs(["pack", "verify", gaitZip, timeAfter])
        XCTAssertEqual(text.status, 0, text.stderr)
        let blocks = text.stdout.split(separator: "\n").filter { $0.hasPrefix("ok ") }
        XCTAssertEqual(blocks, ["ok \(gaitZip)", "ok \(timeAfter)"][...].map { Substring($0) })
    }
}
