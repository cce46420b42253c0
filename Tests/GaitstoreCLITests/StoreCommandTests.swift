import Foundation
import XCTest

/// The store through the command line: real processes, a real repository on disk, stock git as the judge.
final class StoreCommandTests: TemporaryDirectoryTestCase {
    var store: String { path("store") }

    var validPacks: [String] {
        ["pack_run.zip", "pack_job.zip", "pack_run_signed.zip", "runpack_run_tck.zip"].map(tck)
            + [try! FileManager.default.contentsOfDirectory(atPath: fixture("fixtures/packspec_tck/v1"))
                .first { $0.hasPrefix("evidence_pack_") }.map(tck)!]
    }

    func initStore() throws {
        let r = try gs(["init", "--principal", "ci@example"])
        XCTAssertEqual(r.status, 0, r.stderr)
    }

    func catalogTip() throws -> String {
        try CLI.run(["-C", store, "rev-parse", "--verify", "-q", "refs/gaitstore/catalog"],
                    executable: URL(fileURLWithPath: "/usr/bin/git")).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func testImportExportRoundTripIsByteIdenticalAndReimportWritesNothing() throws {
        try initStore()
        let first = try gs(["import", "--json"] + validPacks)
        XCTAssertEqual(first.status, 0, first.stderr)
        let report = try json(first.stdout)
        let packs = try XCTUnwrap(report["packs"] as? [[String: Any]])
        XCTAssertEqual(packs.count, 5)
        // pack_run and pack_run_signed share source/runpack.zip, run_payload.json and the envelope.
        XCTAssertGreaterThan(((report["total"] as? [String: Any])?["bytes_deduplicated"] as? Int) ?? 0, 0)

        for pack in packs {
            let id = try XCTUnwrap(pack["id"] as? String)
            let out = path("\(id).zip")
            XCTAssertEqual(try gs(["export", id, "--out", out]).status, 0)
            let original = validPacks.first { try! CLI.run(["pack", "verify", "--json", $0]).stdout.contains("\"pack_id\":\"\(id)\"") }!
            if !original.contains("evidence_pack_") {
                // Everything gaitstore wrote comes back byte for byte.
                XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out)), try Data(contentsOf: URL(fileURLWithPath: original)), id)
            }
            // Any pack: the export imports under the same id.
            XCTAssertTrue(try gs(["pack", "verify", "--json", out]).stdout.contains("\"pack_id\":\"\(id)\""), id)
        }

        let tip = try catalogTip()
        let objectsBefore = try FileManager.default.subpathsOfDirectory(atPath: store + "/objects").count
        let again = try gs(["import", "--json"] + validPacks)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(((try json(again.stdout)["total"] as? [String: Any])?["bytes_new"] as? Int), 0)
        XCTAssertEqual(try catalogTip(), tip, "re-importing known packs commits nothing")
        XCTAssertEqual(try FileManager.default.subpathsOfDirectory(atPath: store + "/objects").count, objectsBefore)
    }

    /// One import of more zips than the process may hold open at once: verification lets go of
    /// each zip's descriptor and the write opens it again, so the limit is never reached.
    func testImportingMoreZipsThanTheDescriptorLimitAllows() throws {
        try initStore()
        let names = try makeRunpacks(40, runIDPrefix: "run_fd_")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: path("runpacks")).count, 40)
        let limited = try CLI.run(["-c", "ulimit -n 24 && exec \"$0\" \"$@\"", CLI.binary.path, "import"] + names,
                                  executable: URL(fileURLWithPath: "/bin/sh"), environment: storeEnvironment)
        XCTAssertEqual(limited.status, 0, limited.stderr)
        XCTAssertEqual(limited.stdout.split(separator: "\n").filter { $0.hasPrefix("stored ") }.count, 40, limited.stdout)
        XCTAssertEqual(try gs(["fsck"]).status, 0)
    }

    /// A diff of two stored packs (manifests from the catalog, files from the tree diff) says what
    /// the same diff of their zips says, for every pair of gait pack kinds, run contexts included.
    func testStoredPacksDiffAsTheirZipsDo() throws {
        let zips = ["pack_run.zip", "pack_run_retrieved_later.zip", "pack_run_signed.zip", "pack_job.zip",
                    "pack_call.zip", "runpack_run_tck.zip"].map(tck)
        let ids = try importedIDs(zips)
        func diff(_ left: String, _ right: String) throws -> (status: Int32, result: NSDictionary) {
            let r = try gs(["pack", "diff", "--json", left, right])
            var envelope = try json(r.stdout)
            envelope["correlation_id"] = nil
            return (r.status, envelope as NSDictionary)
        }
        var drifts = Set<String>()
        // A pack against itself once (the rest would only start processes for the same answer).
        for i in zips.indices {
            for j in zips.indices where i != j || i == 0 {
                let stored = try diff(ids[i], ids[j]), files = try diff(zips[i], zips[j])
                XCTAssertEqual(stored.status, files.status, "\(zips[i]) \(zips[j])")
                XCTAssertEqual(stored.result, files.result, "\(zips[i]) \(zips[j])")
                let summary = ((stored.result["diff"] as? [String: Any])?["Result"] as? [String: Any])?["summary"] as? [String: Any]
                drifts.insert(summary?["context_drift_classification"] as? String ?? "")
            }
        }
        XCTAssertTrue(drifts.contains("runtime_only"), "a pair whose run contexts differ is among them: \(drifts)")
    }

    func testCatalogCommitsAreAcceptedByStockGitAndSSHKeygen() throws {
        try initStore()
        XCTAssertEqual(try gs(["import", tck("pack_job.zip")]).status, 0)
        let git = try CLI.run(["-C", store, "-c", "gpg.ssh.allowedSignersFile=\(store)/allowed_signers", "verify-commit", "refs/gaitstore/catalog"],
                              executable: URL(fileURLWithPath: "/usr/bin/git"))
        XCTAssertEqual(git.status, 0, git.stderr)
        XCTAssertTrue(git.stderr.contains("Good \"git\" signature for ci@example"), git.stderr)
        let log = try gs(["log", "--verify"])
        XCTAssertEqual(log.status, 0, log.stderr)
        XCTAssertTrue(log.stdout.contains("good signature by ci@example"), log.stdout)
    }

    func testAFailingInputStoresNothing() throws {
        try initStore()
        XCTAssertEqual(try gs(["import", tck("pack_job.zip")]).status, 0)
        let tip = try catalogTip()
        try Data("not a zip".utf8).write(to: tmp.appendingPathComponent("junk.zip"))
        let bytes = try Data(contentsOf: URL(fileURLWithPath: tck("pack_run.zip")))
        try bytes.prefix(bytes.count - 40).write(to: tmp.appendingPathComponent("truncated.zip"))
        let bomb = try CLI.shell("""
            python3 -c "import zipfile; z=zipfile.ZipFile('\(path("bomb.zip"))','w',zipfile.ZIP_DEFLATED); z.writestr('pack_manifest.json', b'0'*(200<<20)); z.close()"
            """)
        XCTAssertEqual(bomb.status, 0, bomb.stderr)
        let cases: [(String, Int32)] = [
            (path("junk.zip"), 6), (path("truncated.zip"), 6), (path("bomb.zip"), 6), (path("missing.zip"), 6),
            (tck("tampered_hash.zip"), 2), (tck("traversal_entry.zip"), 2), (tck("duplicate_entry.zip"), 2),
            (tck("undeclared_file.zip"), 2),
        ]
        for (bad, code) in cases {
            let r = try gs(["import", tck("pack_run.zip"), bad])
            XCTAssertEqual(r.status, code, "\(bad): \(r.stderr)")
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "\(bad): \(r.stderr)")
            XCTAssertEqual(try catalogTip(), tip, "\(bad) changed the catalog")
        }
        // Inputs are verified on both cores, but the failure reported is the first in argument order.
        let many = Array(repeating: tck("pack_run.zip"), count: 6)
        for (bads, code) in [([tck("tampered_hash.zip"), path("junk.zip")], Int32(2)), ([path("junk.zip"), tck("tampered_hash.zip")], 6)] {
            let r = try gs(["import"] + many + bads + many)
            XCTAssertEqual(r.status, code, r.stderr)
            XCTAssertTrue(r.stderr.contains(bads[0]) && !r.stderr.contains(bads[1]), r.stderr)
            XCTAssertEqual(try catalogTip(), tip)
        }
        XCTAssertEqual(try gs(["ls"]).stdout.split(separator: "\n").count, 1)
        XCTAssertEqual(try gs(["show", "deadbeef"]).status, 6)
        XCTAssertEqual(try gs(["cat", "sha256:1234"]).status, 6)
        XCTAssertEqual(try gs(["cat", "sha256:" + String(repeating: "a", count: 64)]).status, 6)
    }

    func testCatStreamsAStoredFileByItsSHA256() throws {
        try initStore()
        XCTAssertEqual(try gs(["import", tck("pack_job.zip")]).status, 0)
        let show = try json(try gs(["show", "--json", "5722914839dc"]).stdout)
        let files = try XCTUnwrap((show["pack"] as? [String: Any])?["file_list"] as? [[String: Any]])
        let state = try XCTUnwrap(files.first { $0["path"] as? String == "job_state.json" })
        let cat = try gs(["cat", "sha256:" + (state["sha256"] as! String)])
        XCTAssertEqual(cat.status, 0)
        XCTAssertTrue(cat.stdout.hasPrefix("{\"approvals\""), cat.stdout)
    }

    /// Loose objects of the store, so a test can damage one.
    func looseObjects() throws -> [(oid: String, path: String)] {
        let root = store + "/objects"
        return try FileManager.default.subpathsOfDirectory(atPath: root).compactMap { sub in
            let parts = sub.split(separator: "/")
            guard parts.count == 2, parts[0].count == 2, parts[1].count == 38 else { return nil }
            return (String(parts[0] + parts[1]), root + "/" + sub)
        }
    }

    func objectType(_ oid: String) throws -> String {
        try CLI.run(["-C", store, "cat-file", "-t", oid], executable: URL(fileURLWithPath: "/usr/bin/git"))
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func testFsckFindsAFlippedByteInEveryKindOfObject() throws {
        try initStore()
        XCTAssertEqual(try gs(["import", tck("pack_job.zip"), tck("pack_run.zip")]).status, 0)
        XCTAssertEqual(try gs(["fsck"]).status, 0)
        let reachable = Set(try CLI.run(["-C", store, "rev-list", "--objects", "refs/gaitstore/catalog"],
                                        executable: URL(fileURLWithPath: "/usr/bin/git")).stdout
            .split(separator: "\n").map { String($0.prefix(40)) })
        var types: [String: (oid: String, path: String)] = [:]
        for object in try looseObjects() where reachable.contains(object.oid) {
            types[try objectType(object.oid)] = types[try objectType(object.oid)] ?? object
        }
        XCTAssertEqual(Set(types.keys), ["blob", "tree", "commit"])
        let ids = try gs(["ls"]).stdout.split(separator: "\n").map { String($0.split(separator: "\t")[0]) }
        XCTAssertEqual(ids.count, 2)
        for (type, object) in types {
            let original = try Data(contentsOf: URL(fileURLWithPath: object.path))
            var damaged = original
            damaged[damaged.count / 2] ^= 0x20
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: object.path)
            try damaged.write(to: URL(fileURLWithPath: object.path))
            let r = try gs(["fsck"])
            XCTAssertEqual(r.status, 2, "\(type) \(object.oid): \(r.stdout)")
            XCTAssertTrue(r.stdout.contains(object.oid) || type != "blob", "\(type): \(r.stdout)")
            if type == "blob" {
                XCTAssertTrue(r.stdout.contains("in pack "), r.stdout)
                // show re-reads the files it lists: damage is a verification failure, not bad input.
                for command in [["show"], ["pack", "verify"]] {
                    let statuses = try ids.map { try gs(command + [$0]).status }
                    XCTAssertTrue(statuses.contains(2) && !statuses.contains(6), "\(command): \(statuses)")
                }
            }
            try original.write(to: URL(fileURLWithPath: object.path))
        }
        XCTAssertEqual(try gs(["fsck"]).status, 0)
    }

    func testFsckAndLogRejectCommitsByAnUntrustedKey() throws {
        try initStore()
        XCTAssertEqual(try gs(["import", tck("pack_job.zip")]).status, 0)
        XCTAssertEqual(try gs(["trust", "remove", "ci@example"]).status, 0)
        let r = try gs(["fsck"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stdout.contains("untrusted key"), r.stdout)
        XCTAssertEqual(try gs(["log", "--verify"]).status, 2)
    }

    func testGCKeepsEverythingReachableAndFsckStillPasses() throws {
        try initStore()
        XCTAssertEqual(try gs(["import"] + validPacks).status, 0)
        let exportedBefore = path("before.zip")
        XCTAssertEqual(try gs(["export", "5722914839dc", "--out", exportedBefore]).status, 0)
        // An orphan object (as a killed import would leave) is dropped by gc.
        let orphan = try CLI.shell("echo orphan-content | git -C '\(store)' hash-object -w --stdin").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(try gs(["gc", "--grace-period", "0"]).status, 0)
        XCTAssertEqual(try gs(["fsck"]).status, 0)
        XCTAssertEqual(try CLI.run(["-C", store, "cat-file", "-e", orphan], executable: URL(fileURLWithPath: "/usr/bin/git")).status, 1)
        let fsck = try CLI.run(["-C", store, "fsck", "--full", "--strict"], executable: URL(fileURLWithPath: "/usr/bin/git"))
        XCTAssertEqual(fsck.status, 0, fsck.stderr)
        XCTAssertEqual(try gs(["export", "5722914839dc", "--out", path("after.zip")]).status, 0)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: exportedBefore)), try Data(contentsOf: tmp.appendingPathComponent("after.zip")))
    }

    func testTwoProcessesImportingAtOnceBothLand() throws {
        try initStore()
        let runpacks = try makeRunpacks(6, runIDPrefix: "run_conc_", payload: .text(bytes: 200_000))
        for round in 0..<3 {
            let groups = [Array(runpacks[0..<3]), Array(runpacks[3..<6])].map { $0.map { $0 } }
            let processes = groups.map { group -> Process in
                let p = Process()
                p.executableURL = CLI.binary
                p.arguments = ["import"] + group
                p.environment = ProcessInfo.processInfo.environment.merging(storeEnvironment) { $1 }
                p.standardOutput = FileHandle.nullDevice
                p.standardError = FileHandle.nullDevice
                return p
            }
            for p in processes { try p.run() }
            for p in processes { p.waitUntilExit() }
            XCTAssertEqual(processes.map(\.terminationStatus), [0, 0], "round \(round)")
            XCTAssertEqual(try gs(["ls"]).stdout.split(separator: "\n").count, 6)
            if round == 0 { try FileManager.default.removeItem(atPath: store); try initStore() }
        }
        XCTAssertEqual(try gs(["fsck"]).status, 0)
    }

    func testAProcessKilledMidImportLeavesTheCatalogBeforeOrAfter() throws {
        try initStore()
        let runpacks = try makeRunpacks(4, runIDPrefix: "run_conc_", payload: .text(bytes: 4_000_000))
        XCTAssertEqual(try gs(["import", runpacks[0]]).status, 0)
        for attempt in 0..<6 {
            let before = try catalogTip()
            let p = Process()
            p.executableURL = CLI.binary
            p.arguments = ["import"] + runpacks
            p.environment = ProcessInfo.processInfo.environment.merging(storeEnvironment) { $1 }
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            usleep(UInt32(20_000 + attempt * 40_000))
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            let after = try catalogTip()
            let parent = try CLI.run(["-C", store, "rev-parse", "-q", "--verify", "refs/gaitstore/catalog~1"],
                                     executable: URL(fileURLWithPath: "/usr/bin/git")).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            XCTAssertTrue(after == before || parent == before, "attempt \(attempt): catalog moved to something unexpected")
            let fsck = try gs(["fsck"])
            XCTAssertEqual(fsck.status, 0, "attempt \(attempt): \(fsck.stdout)")
            if after != before { break }
        }
    }
}
