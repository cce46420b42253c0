import Foundation
import XCTest

/// `pack verify FILE...`: several packs in one process, reported in argument order, the worst
/// exit code; one pack exactly as before.
final class PackVerifyManyTests: TemporaryDirectoryTestCase {
    /// Stored ids mix with paths: a store holding pack_job.zip.
    private func storeWithJobPack() throws -> (store: String, id: String) {
        (path("store"), try importedIDs([tck("pack_job.zip")])[0])
    }

    func testMixedVerdictsAreReportedPerPackInOrderWithTheWorstExitCode() throws {
        try Data("not a zip".utf8).write(to: tmp.appendingPathComponent("junk.zip"))
        let (store, id) = try storeWithJobPack()
        let packs = [path("junk.zip"), tck("pack_run.zip"), tck("tampered_hash.zip"), String(id.prefix(12)),
                     tck("duplicate_entry.zip"), tck("runpack_run_tck.zip")]
        let r = try CLI.run(["pack", "verify", "--store", store] + packs)
        XCTAssertEqual(r.status, 6, "invalid input beats a verification failure")
        let headers = r.stdout.split(separator: "\n").filter { !$0.contains("=") && !$0.contains(": ") }
        XCTAssertEqual(headers, ["ERROR \(packs[0])", "ok \(packs[1])", "FAILED \(packs[2])", "ok \(packs[3])",
                                 "ERROR \(packs[4])", "ok \(packs[5])"])
        XCTAssertTrue(r.stdout.contains("ERROR \(packs[0])\nerror=open zip: \(packs[0]): not a zip file\nok \(packs[1])\n"), r.stdout)
        XCTAssertTrue(r.stdout.contains("ERROR \(packs[4])\nerror=zip contains duplicate entries: run_payload.json\n"), r.stdout)
        XCTAssertTrue(r.stdout.contains("ok \(packs[3])\npack_id=\(id)\npack_type=job\n"), r.stdout)
        // Every problem is one stderr line that names its pack.
        XCTAssertEqual(r.stderr.split(separator: "\n").map { $0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces) },
                       [packs[0], packs[2], packs[4]], r.stderr)

        let withoutJunk = try CLI.run(["pack", "verify", "--store", store] + packs.dropFirst())
        XCTAssertEqual(withoutJunk.status, 2, withoutJunk.stderr)
        let allGood = try CLI.run(["pack", "verify", "--store", store, tck("pack_run.zip"), id, tck("pack_call.zip")])
        XCTAssertEqual(allGood.status, 0, allGood.stderr)
        XCTAssertEqual(allGood.stderr, "")
    }

    func testJSONIsOneEnvelopePerLineEachAsTheOnePackFormPrintsIt() throws {
        try Data("not a zip".utf8).write(to: tmp.appendingPathComponent("junk.zip"))
        let (store, id) = try storeWithJobPack()
        let packs = [tck("pack_run.zip"), tck("tampered_hash.zip"), path("junk.zip"), id, tck("unknown_field.zip"),
                     path("absent.zip")]
        let many = try CLI.run(["pack", "verify", "--json", "--store", store] + packs)
        XCTAssertEqual(many.status, 6, many.stderr)
        let lines = many.stdoutBytes.split(separator: 0x0a)
        XCTAssertEqual(lines.count, packs.count)
        XCTAssertEqual(many.stdoutBytes.last, 0x0a)
        for (pack, line) in zip(packs, lines) {
            var envelope = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
            XCTAssertEqual(envelope["path"] as? String, pack)
            XCTAssertEqual(envelope["operation"] as? String, "verify")
            // The same pack alone prints the same envelope; only correlation_id (a hash of the
            // command line) differs.
            let alone = try CLI.run(["pack", "verify", "--json", "--store", store, pack])
            var single = try json(alone.stdout)
            XCTAssertNotEqual(envelope.removeValue(forKey: "correlation_id") as? String,
                              single.removeValue(forKey: "correlation_id") as? String)
            XCTAssertEqual(NSDictionary(dictionary: envelope), NSDictionary(dictionary: single), pack)
        }
        let codes = try lines.map { try XCTUnwrap(try JSONSerialization.jsonObject(with: Data($0)) as? [String: Any])["error_code"] as? String }
        XCTAssertEqual(codes, [nil, nil, "invalid_input", nil, "verification_failed", "invalid_input"])
    }

    func testPacksFinishingOutOfOrderAreReportedInOrder() throws {
        // The first "pack" is a FIFO: opening it blocks until this test writes to it, which it does
        // only after the packs behind it have had time to be verified on the other thread. Its
        // block must still come first.
        let fifo = path("slow.zip")
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        // 81 packs: more than InOrderWork's window of 64, so finished results also wait their turn.
        let packs = Array(repeating: [tck("pack_job.zip"), tck("tampered_hash.zip")], count: 40).flatMap { $0 }
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["pack", "verify", fifo] + packs
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        Thread.sleep(forTimeInterval: 1)
        let writer = try openFIFOForWriting(fifo, timeout: 10)
        // The verifier may give up on the FIFO (it cannot seek) between our open and our write; that
        // must be an EPIPE here, not a SIGPIPE that kills the whole test process.
        let previous = signal(SIGPIPE, SIG_IGN)
        let written = write(writer, "not a zip", 9)
        XCTAssertTrue(written == 9 || (written == -1 && errno == EPIPE), "write: \(written), errno \(errno)")
        close(writer)
        signal(SIGPIPE, previous)
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        _ = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 6)
        let headers = stdout.split(separator: "\n").filter { $0.hasPrefix("ok ") || $0.hasPrefix("FAILED ") || $0.hasPrefix("ERROR ") }
        XCTAssertEqual(headers.map { String($0.split(separator: " ", maxSplits: 1)[1]) }, [fifo] + packs)
        XCTAssertTrue(headers[0].hasPrefix("ERROR "), String(headers[0]))
    }

    /// Opens the FIFO once the verifier has opened it for reading.
    private func openFIFOForWriting(_ path: String, timeout: TimeInterval) throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let fd = open(path, O_WRONLY | O_NONBLOCK)
            if fd >= 0 { return fd }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw CocoaError(.fileReadUnknown, userInfo: [NSFilePathErrorKey: path])
    }

    func testOnePackPrintsWhatItAlwaysPrinted() throws {
        let ok = try CLI.run(["pack", "verify", tck("pack_run.zip")])
        XCTAssertEqual(ok.status, 0)
        XCTAssertEqual(ok.stdout, """
        ok \(tck("pack_run.zip"))
        pack_id=ba5a0459aeea9660c9808da7b470aae09db1279fb9b32bc8d8a4c3a23edab8e0
        pack_type=run
        source_ref=run_tck
        files_checked=4
        proof_records_verified=3
        signature_status=missing (0/0 valid)

        """)
        // An unreadable pack alone: no block on stdout, gait's one line on stderr, exit 6.
        let junk = try CLI.run(["pack", "verify", path("absent.zip")])
        XCTAssertEqual(junk.status, 6)
        XCTAssertEqual(junk.stdout, "")
        XCTAssertEqual(junk.stderr, "gaitstore verify: \(path("absent.zip")): no such file (and no store at ./.gaitstore to look it up as a pack id)\n")
        let error = try CLI.run(["pack", "verify", "--json", tck("unknown_field.zip")])
        XCTAssertEqual(error.status, 2)
        XCTAssertEqual(error.stdout.filter { $0 == "\n" }.count, 1)
        let envelope = try json(error.stdout)
        XCTAssertEqual(envelope["error"] as? String, "parse manifest: parse pack manifest: json: unknown field \"extra_field\"")
        XCTAssertEqual(envelope["path"] as? String, tck("unknown_field.zip"))
        XCTAssertEqual(error.stderr, "gaitstore verify: parse manifest: parse pack manifest: json: unknown field \"extra_field\"\n")
    }
}
