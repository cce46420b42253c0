import Foundation
import XCTest

/// `pack build / verify / inspect / diff`, `run record` and `key generate` as a user runs them.
final class PackCommandTests: TemporaryDirectoryTestCase {
    func record() throws -> String {
        let r = try CLI.run(["run", "record", "--input", fixture("fixtures/inputs/run_record_input.json"), "--out-dir", path("rec")])
        XCTAssertEqual(r.status, 0, r.stderr)
        return path("rec/runpack_run_tck.zip")
    }

    func testBuildingTwiceGivesIdenticalBytes() throws {
        let runpack = try record()
        for (type, source) in [("run", runpack), ("job", fixture("fixtures/gait-jobs/job_tck"))] {
            for name in ["a", "b"] {
                let r = try CLI.run(["pack", "build", "--type", type, "--from", source, "--out", path("\(type)-\(name).zip")])
                XCTAssertEqual(r.status, 0, r.stderr)
            }
            XCTAssertEqual(try Data(contentsOf: tmp.appendingPathComponent("\(type)-a.zip")),
                           try Data(contentsOf: tmp.appendingPathComponent("\(type)-b.zip")), type)
        }
        // The runpack itself is reproducible from the same input.
        let again = try CLI.run(["run", "record", "--input", fixture("fixtures/inputs/run_record_input.json"), "--out-dir", path("rec2")])
        XCTAssertEqual(again.status, 0)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: runpack)),
                       try Data(contentsOf: tmp.appendingPathComponent("rec2/runpack_run_tck.zip")))
    }

    func testATamperedRunpackFailsTheBuildWithOneLineAndLeavesNoOutput() throws {
        let runpack = try record()
        // intents.jsonl grows after recording; Python re-zips it, so the zip itself is sound.
        let tamper = """
        import sys, zipfile
        with zipfile.ZipFile(sys.argv[1]) as a, zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED) as b:
            for name in a.namelist():
                b.writestr(name, a.read(name) + (b'{}\\n' if name == "intents.jsonl" else b""))
        """
        let python = try CLI.run(["python3", "-c", tamper, runpack, path("tampered.zip")], executable: URL(fileURLWithPath: "/usr/bin/env"))
        XCTAssertEqual(python.status, 0, python.stderr)
        try FileManager.default.createDirectory(at: tmp.appendingPathComponent("out"), withIntermediateDirectories: true)
        for json in [false, true] {
            let r = try CLI.run(["pack", "build", "--type", "run", "--from", path("tampered.zip"), "--out", path("out/pack.zip")]
                                + (json ? ["--json"] : []))
            XCTAssertEqual(r.status, 2, r.stderr)
            XCTAssertEqual(r.stderr, "gaitstore build: read runpack: runpack hash mismatch: intents.jsonl\n")
            if json {
                let envelope = try self.json(r.stdout)
                XCTAssertEqual(envelope["error_code"] as? String, "verification_failed")
                XCTAssertEqual(envelope["error"] as? String, "read runpack: runpack hash mismatch: intents.jsonl")
            } else {
                XCTAssertEqual(r.stdout, "")
            }
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: path("out")), [], "no pack and no scratch copy")
        }
    }

    func testARunPackCanBeBuiltIntoANewDirectory() throws {
        let r = try CLI.run(["pack", "build", "--type", "run", "--from", try record(), "--out", path("new/dir/pack.zip")])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: path("new/dir")), ["pack.zip"])
        XCTAssertEqual(try CLI.run(["pack", "verify", path("new/dir/pack.zip")]).status, 0)
    }

    func testDefaultOutputIsNamedByPackID() throws {
        let runpack = try record()
        let r = try CLI.run(["pack", "build", "--type", "run", "--from", runpack, "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let envelope = try json(r.stdout)
        let packID = try XCTUnwrap(envelope["pack_id"] as? String)
        XCTAssertEqual(envelope["path"] as? String, path("rec/pack_\(packID).zip"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: path("rec/pack_\(packID).zip")))
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: path("rec/pack_\(packID).zip"))[.posixPermissions] as? Int, 0o600)
    }

    func testProducerVersionIsPartOfThePackID() throws {
        let job = fixture("fixtures/gait-jobs/job_tck")
        let a = try json(try CLI.run(["pack", "build", "--type", "job", "--from", job, "--out", path("a.zip"), "--json"]).stdout)
        let b = try json(try CLI.run(["pack", "build", "--type", "job", "--from", job, "--out", path("b.zip"), "--json",
                                      "--producer-version", "1.4.0"]).stdout)
        XCTAssertNotEqual(a["pack_id"] as? String, b["pack_id"] as? String)
        XCTAssertEqual(try CLI.run(["pack", "verify", path("b.zip")]).status, 0)
    }

    func testSigningWithAnOpenSSHKeyFromSSHKeygen() throws {
        let keygen = try CLI.run(["-q", "-t", "ed25519", "-N", "", "-C", "ci", "-f", path("id_ed25519")],
                                 executable: URL(fileURLWithPath: "/usr/bin/ssh-keygen"))
        XCTAssertEqual(keygen.status, 0, keygen.stderr)
        let job = fixture("fixtures/gait-jobs/job_tck")
        XCTAssertEqual(try CLI.run(["pack", "build", "--type", "job", "--from", job, "--out", path("s.zip"),
                                    "--key", path("id_ed25519")]).status, 0)
        let ok = try CLI.run(["pack", "verify", "--json", "--require-signature", "--public-key", path("id_ed25519.pub"), path("s.zip")])
        XCTAssertEqual(ok.status, 0, ok.stdout + ok.stderr)
        XCTAssertEqual((try json(ok.stdout)["verify"] as? [String: Any])?["signature_status"] as? String, "verified")

        XCTAssertEqual(try CLI.run(["key", "generate", "--out", path("other")]).status, 0)
        let wrong = try CLI.run(["pack", "verify", "--json", "--public-key", path("other.pub"), path("s.zip")])
        XCTAssertEqual(wrong.status, 2)
        XCTAssertEqual((try json(wrong.stdout)["verify"] as? [String: Any])?["signature_status"] as? String, "failed")
    }

    func testKeyGenerateWritesGaitAndOpenSSHFormatsAndRefusesToOverwrite() throws {
        XCTAssertEqual(try CLI.run(["key", "generate", "--format", "gait", "--out", path("k_private.key")]).status, 0)
        let publicText = try String(contentsOfFile: path("k_public.key"), encoding: .utf8)
        XCTAssertEqual(Data(base64Encoded: publicText.trimmingCharacters(in: .whitespacesAndNewlines))?.count, 32)
        XCTAssertEqual(try CLI.run(["key", "generate", "--out", path("ssh")]).status, 0)
        let derived = try CLI.run(["-y", "-f", path("ssh")], executable: URL(fileURLWithPath: "/usr/bin/ssh-keygen"))
        XCTAssertEqual(derived.status, 0, derived.stderr)
        XCTAssertTrue(try String(contentsOfFile: path("ssh.pub"), encoding: .utf8).hasPrefix(derived.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        let again = try CLI.run(["key", "generate", "--out", path("ssh")])
        XCTAssertEqual(again.status, 6)
        XCTAssertTrue(again.stderr.contains("already exists"), again.stderr)
    }

    func testUsageErrorsExitSixWithOneLine() throws {
        for arguments in [["pack", "verify"], ["pack", "frobnicate"], ["pack", "verify", "--profile", "lax", "x.zip"],
                          ["pack", "build", "--type", "guard", "--from", "x"], ["pack", "verify", "--no-such-flag", "x.zip"]] {
            let r = try CLI.run(arguments)
            XCTAssertEqual(r.status, 6, "\(arguments): \(r.stderr)")
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "\(arguments): \(r.stderr)")
        }
        XCTAssertEqual(try CLI.run(["--help"]).status, 0)
        XCTAssertEqual(try CLI.run(["pack", "verify", "--help"]).status, 0)
    }

    func testBadInputNamesTheProblemAndTheFile() throws {
        try Data("not a zip".utf8).write(to: tmp.appendingPathComponent("junk.zip"))
        let junk = try CLI.run(["pack", "verify", path("junk.zip")])
        XCTAssertEqual(junk.status, 6)
        XCTAssertTrue(junk.stderr.contains("junk.zip"), junk.stderr)
        XCTAssertEqual(junk.stderr.split(separator: "\n").count, 1)

        let truncated = try Data(contentsOf: URL(fileURLWithPath: tck("pack_job.zip")))
        try truncated.prefix(truncated.count / 2).write(to: tmp.appendingPathComponent("half.zip"))
        let half = try CLI.run(["pack", "verify", "--json", path("half.zip")])
        XCTAssertEqual(half.status, 6, half.stderr)
        XCTAssertEqual(try json(half.stdout)["error_code"] as? String, "invalid_input")

        let missing = try CLI.run(["run", "record", "--input", path("nope.json"), "--out-dir", path("o")])
        XCTAssertEqual(missing.status, 6)
        XCTAssertTrue(missing.stderr.contains("nope.json"), missing.stderr)

        let traversal = try CLI.run(["pack", "build", "--type", "job", "--from", fixture("fixtures/gait-jobs/job_tck"), "--out", "../escape.zip"])
        XCTAssertEqual(traversal.status, 6, traversal.stderr)
    }

    func testVerifyJSONEnvelopeIsGaitsShapeAndStable() throws {
        let pack = tck("pack_job.zip")
        let a = try CLI.run(["pack", "verify", "--json", pack])
        let b = try CLI.run(["pack", "verify", "--json", pack])
        XCTAssertEqual(a.stdoutBytes, b.stdoutBytes)
        let envelope = try json(a.stdout)
        XCTAssertEqual(envelope["schema_id"] as? String, "gait.pack.output")
        XCTAssertEqual(envelope["operation"] as? String, "verify")
        XCTAssertEqual(envelope["ok"] as? Bool, true)
        XCTAssertEqual((envelope["correlation_id"] as? String)?.count, 24)
        let keys = a.stdout.components(separatedBy: "\",\"").count
        XCTAssertGreaterThan(keys, 3)
        // Keys are sorted bytewise at the top level, as gait prints them.
        let top = try XCTUnwrap(try JSONSerialization.jsonObject(with: a.stdoutBytes) as? [String: Any]).keys.sorted()
        var lastIndex = a.stdout.startIndex
        for key in top {
            let range = try XCTUnwrap(a.stdout.range(of: "\"\(key)\":"))
            XCTAssertGreaterThanOrEqual(range.lowerBound, lastIndex, key)
            lastIndex = range.lowerBound
        }
    }

    func testDiffWritesTheDiffFileAndExitsTwoOnChange() throws {
        let left = tck("pack_run.zip"), right = tck("pack_job.zip")
        let r = try CLI.run(["pack", "diff", left, right, "--output", path("d.json")])
        XCTAssertEqual(r.status, 2)
        let written = try json(try String(contentsOfFile: path("d.json"), encoding: .utf8))
        XCTAssertEqual(written["schema_id"] as? String, "gait.pack.diff")
        XCTAssertEqual((written["summary"] as? [String: Any])?["changed"] as? Bool, true)
        XCTAssertEqual(try CLI.run(["pack", "diff", left, left]).status, 0)
    }
}
