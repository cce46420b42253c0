import Foundation
import XCTest

/// Jobs through the command line, with real processes racing on one job's ref.
final class JobCommandTests: TemporaryDirectoryTestCase {
    override func setUpWithError() throws {
        try super.setUpWithError()
        XCTAssertEqual(try gs(["init", "--principal", "ops@example"]).status, 0)
    }

    func events(_ id: String) throws -> [[String: Any]] {
        let r = try gs(["job", "inspect", "--json", id])
        XCTAssertEqual(r.status, 0, r.stderr)
        return try XCTUnwrap(try json(r.stdout)["events"] as? [[String: Any]])
    }

    /// `job list`: every job, sorted, with the status and revision `job status` gives.
    func testJobListShowsEveryJobsStatusAndRevision() throws {
        XCTAssertEqual(try gs(["job", "list"]).stdout, "")
        XCTAssertEqual(try gs(["job", "submit", "--id", "b:two"]).status, 0)
        for n in 1...3 {
            XCTAssertEqual(try gs(["job", "checkpoint", "add", "b:two", "--type", "progress", "--summary", "step \(n)"]).status, 0)
        }
        XCTAssertEqual(try gs(["job", "submit", "--id", "a.one"]).status, 0)
        XCTAssertEqual(try gs(["job", "pause", "a.one"]).status, 0)
        let listed = try gs(["job", "list", "--json"])
        XCTAssertEqual(listed.status, 0, listed.stderr)
        let jobs = try XCTUnwrap(try json(listed.stdout)["jobs"] as? [[String: Any]])
        XCTAssertEqual(jobs.map { $0["job_id"] as? String }, ["a.one", "b:two"])
        for job in jobs {
            let id = try XCTUnwrap(job["job_id"] as? String)
            let status = try XCTUnwrap(try json(try gs(["job", "status", "--json", id]).stdout)["job"] as? [String: Any])
            XCTAssertEqual(job["status"] as? String, status["status"] as? String, id)
            XCTAssertEqual(job["revision"] as? Int, status["revision"] as? Int, id)
        }
        XCTAssertEqual(jobs.map { $0["revision"] as? Int }, [2, 4])
        XCTAssertEqual(try gs(["job", "list"]).stdout.split(separator: "\n").map(String.init),
                       ["a.one\t\(jobs[0]["status"] as! String)\trevision=2", "b:two\t\(jobs[1]["status"] as! String)\trevision=4"])
    }

    func testTheTCKLifecycleExitCodesAndSignatures() throws {
        let id = "job:tck..v1.lock"
        XCTAssertEqual(try gs(["job", "submit", "--id", id, "--actor", "alice", "--env-fingerprint", "envfp:test"]).status, 0)
        XCTAssertEqual(try gs(["job", "submit", "--id", id]).status, 6, "duplicate submit")
        XCTAssertEqual(try gs(["job", "checkpoint", "add", id, "--type", "decision-needed", "--summary", "approval required"]).status, 6,
                       "decision-needed needs a required action")
        XCTAssertEqual(try gs(["job", "checkpoint", "add", id, "--type", "decision-needed", "--summary", "approval required",
                               "--required-action", "approve"]).status, 0)
        let blocked = try gs(["job", "resume", id, "--env-fingerprint", "envfp:test", "--json"])
        XCTAssertEqual(blocked.status, 4, blocked.stderr)
        XCTAssertEqual(try json(blocked.stdout)["error_code"] as? String, "approval_required")
        XCTAssertEqual(try gs(["job", "approve", id, "--actor", "alice", "--reason", "approved"]).status, 0)
        XCTAssertEqual(try gs(["job", "resume", id, "--env-fingerprint", "envfp:other"]).status, 6, "fingerprint mismatch")
        let overridden = try gs(["job", "resume", id, "--env-fingerprint", "envfp:other", "--allow-env-mismatch",
                                 "--actor", "bob", "--reason", "moved host", "--json"])
        XCTAssertEqual(overridden.status, 0, overridden.stderr)
        let resumed = try XCTUnwrap(try events(id).last)
        XCTAssertEqual(resumed["actor"] as? String, "bob")
        XCTAssertEqual((resumed["payload"] as? [String: Any])?["reason"] as? String, "moved host")
        XCTAssertEqual(try gs(["job", "status", "nope"]).status, 6)
        XCTAssertEqual(try gs(["job", "pause", "nope"]).status, 6)

        XCTAssertEqual(try gs(["job", "inspect", "--verify", id]).status, 0)
        let ref = "refs/gaitstore/jobs/job%3Atck%2E%2Ev1%2Elock"
        let log = try CLI.run(["-C", path("store"), "-c", "gpg.ssh.allowedSignersFile=\(path("store"))/allowed_signers",
                               "log", "--show-signature", "--format=%s", ref], executable: URL(fileURLWithPath: "/usr/bin/git"))
        XCTAssertEqual(log.status, 0, log.stderr)
        XCTAssertEqual(log.stdout.components(separatedBy: "Good \"git\" signature for ops@example").count - 1, try events(id).count)

        // The job pack from the branch and through `pack build` agree, and verify.
        XCTAssertEqual(try gs(["job", "pack", id, "--out", path("a.zip")]).status, 0)
        XCTAssertEqual(try gs(["pack", "build", "--type", "job", "--from", id, "--out", path("b.zip")]).status, 0)
        XCTAssertEqual(try Data(contentsOf: tmp.appendingPathComponent("a.zip")), try Data(contentsOf: tmp.appendingPathComponent("b.zip")))
        XCTAssertEqual(try gs(["pack", "verify", path("a.zip")]).status, 0)
    }

    func testLeasesFenceMutations() throws {
        XCTAssertEqual(try gs(["job", "submit", "--id", "leased"]).status, 0)
        let acquired = try json(try gs(["job", "lease", "acquire", "leased", "--worker", "w1", "--ttl", "60", "--json"]).stdout)
        let lease = try XCTUnwrap((acquired["lease"] as? [String: Any])?["lease_id"] as? String)
        let refused = try gs(["job", "checkpoint", "add", "leased", "--summary", "step"])
        XCTAssertEqual(refused.status, 6)
        XCTAssertTrue(refused.stderr.contains("w1"), refused.stderr)
        XCTAssertEqual(try gs(["job", "checkpoint", "add", "leased", "--summary", "step", "--lease", "other"]).status, 6)
        XCTAssertEqual(try gs(["job", "lease", "acquire", "leased", "--worker", "w2"]).status, 6)
        XCTAssertEqual(try gs(["job", "checkpoint", "add", "leased", "--summary", "step", "--lease", lease]).status, 0)
        XCTAssertEqual(try gs(["job", "lease", "heartbeat", "leased", "--worker", "w1", "--lease", lease]).status, 0)
        XCTAssertEqual(try gs(["job", "lease", "release", "leased", "--worker", "w1", "--lease", lease]).status, 0)
        XCTAssertEqual(try gs(["job", "pause", "leased"]).status, 0, "no lease, no fence")

        XCTAssertEqual(try gs(["job", "submit", "--id", "short"]).status, 0)
        XCTAssertEqual(try gs(["job", "lease", "acquire", "short", "--worker", "w1", "--ttl", "1"]).status, 0)
        Thread.sleep(forTimeInterval: 1.2)
        XCTAssertEqual(try gs(["job", "lease", "acquire", "short", "--worker", "w2"]).status, 0, "an expired lease may be taken over")
        XCTAssertEqual(try gs(["job", "inspect", "--verify", "short"]).status, 0)
    }

    func testFourWritersAddFiftyCheckpointsEachWithoutLosingAny() throws {
        XCTAssertEqual(try gs(["job", "submit", "--id", "race"]).status, 0)
        let script = (0..<4).map { writer in
            "(for i in $(seq 1 50); do '\(CLI.binary.path)' job checkpoint add race --summary \"w\(writer)-$i\" >/dev/null || echo FAIL w\(writer)-$i; done) &"
        }.joined(separator: "\n") + "\nwait\n"
        let run = try CLI.shell(script, environment: storeEnvironment)
        XCTAssertEqual(run.stdout, "", "some appends failed")
        let history = try events("race")
        XCTAssertEqual(history.count, 201)
        XCTAssertEqual(history.map { $0["revision"] as? Int }, (1...201).map { $0 })
        let states = try json(try gs(["job", "status", "--json", "race"]).stdout)
        let checkpoints = try XCTUnwrap((states["job"] as? [String: Any])?["checkpoints"] as? [[String: Any]])
        let summaries = checkpoints.compactMap { $0["summary"] as? String }
        XCTAssertEqual(summaries.count, 200)
        XCTAssertEqual(Set(summaries).count, 200, "a checkpoint was duplicated")
        XCTAssertEqual(Set(summaries), Set((0..<4).flatMap { w in (1...50).map { "w\(w)-\($0)" } }))
        XCTAssertEqual(try gs(["job", "inspect", "--verify", "race"]).status, 0)
        // Writers on one machine take turns, so none signed a commit that then lost the race.
        let unreachable = try CLI.run(["-C", path("store"), "fsck", "--unreachable", "--no-reflogs"],
                                      executable: URL(fileURLWithPath: "/usr/bin/git")).stdout
        XCTAssertFalse(unreachable.contains("unreachable commit"), unreachable)
    }

    /// The per-job writer lock only saves work; a holder that never lets go delays a writer by
    /// at most five seconds, after which the compare-and-swap alone keeps the job consistent.
    func testAWriterWaitsForTheJobLockButNotForever() throws {
        XCTAssertEqual(try gs(["job", "submit", "--id", "held"]).status, 0)
        let digest = try CLI.shell("printf %s refs/gaitstore/jobs/held | sha256sum | cut -c1-64").stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let lock = path("store") + "/gaitstore-locks/\(digest).lock"
        XCTAssertTrue(FileManager.default.fileExists(atPath: lock), "the submit took the job's lock")
        let script = """
        flock '\(lock)' sleep 8 >/dev/null 2>&1 &
        holder=$!
        sleep 0.3
        start=$(date +%s%N)
        '\(CLI.binary.path)' job checkpoint add held --summary waited >/dev/null || echo FAIL
        echo $(( ($(date +%s%N) - start) / 1000000 ))
        pkill -P $holder; kill $holder
        """
        let run = try CLI.shell(script, environment: storeEnvironment)
        let lines = run.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, run.stdout + run.stderr)
        let waited = try XCTUnwrap(Int(lines[0]))
        XCTAssertGreaterThanOrEqual(waited, 4_900, "did not wait for the holder")
        XCTAssertLessThan(waited, 7_500, "waited for the holder to finish")
        XCTAssertEqual(try events("held").count, 2)

        // A lock that cannot be taken at all (its folder is a file) is skipped, not fatal.
        let locks = path("store") + "/gaitstore-locks"
        try FileManager.default.removeItem(atPath: locks)
        XCTAssertTrue(FileManager.default.createFile(atPath: locks, contents: Data()))
        let unlocked = try gs(["job", "checkpoint", "add", "held", "--summary", "unlocked"])
        XCTAssertEqual(unlocked.status, 0, unlocked.stderr)
        XCTAssertEqual(try events("held").count, 3)
    }

    func testAWriterKilledMidAppendLeavesTheJobAtAnEvent() throws {
        XCTAssertEqual(try gs(["job", "submit", "--id", "killed"]).status, 0)
        for attempt in 0..<8 {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/bash")
            p.arguments = ["-c", "while true; do '\(CLI.binary.path)' job checkpoint add killed --summary s >/dev/null; done"]
            p.environment = ProcessInfo.processInfo.environment.merging(storeEnvironment) { $1 }
            try p.run()
            usleep(UInt32(150_000 + attempt * 37_000))
            // Kill the whole group: the loop and the gaitstore process inside it, wherever it is.
            _ = try CLI.shell("pkill -KILL -f 'job checkpoint add killed' ; kill -KILL \(p.processIdentifier) 2>/dev/null; true")
            p.waitUntilExit()
            let verify = try gs(["job", "inspect", "--verify", "killed"])
            XCTAssertEqual(verify.status, 0, "attempt \(attempt): \(verify.stdout)")
        }
        XCTAssertGreaterThan(try events("killed").count, 1)
        XCTAssertEqual(try gs(["fsck"]).status, 0)
    }

    /// A disk that refuses the write is an I/O failure (exit 1), and the job is not created.
    func testARefusedObjectWriteExitsOneAndLeavesNoJob() throws {
        // Every loose object's fan-out directory is a file, so no object can be written.
        for byte in 0...255 {
            let fanOut = path("store") + "/objects/" + String(format: "%02x", byte)
            XCTAssertEqual(rmdir(fanOut), 0, "\(fanOut): \(String(cString: strerror(errno)))")
            XCTAssertTrue(FileManager.default.createFile(atPath: fanOut, contents: Data()))
        }
        let submit = try gs(["job", "submit", "--id", "refused"])
        XCTAssertEqual(submit.status, 1, submit.stderr)
        XCTAssertTrue(submit.stderr.contains("Not a directory"), submit.stderr)
        XCTAssertEqual(submit.stderr.split(separator: "\n").count, 1, submit.stderr)
        XCTAssertEqual(try gs(["job", "list"]).stdout, "")
    }

    func testFsckFindsATamperedSnapshot() throws {
        XCTAssertEqual(try gs(["job", "submit", "--id", "t"]).status, 0)
        XCTAssertEqual(try gs(["job", "pause", "t"]).status, 0)
        // Rewrite the tip with a snapshot that does not follow from its history, signed by git with no trusted key.
        let store = path("store")
        let forged = try CLI.shell("""
            set -e
            cd '\(store)'
            tip=$(git rev-parse refs/gaitstore/jobs/t)
            git cat-file -p "$tip:job_state.json" | sed 's/"status":"paused"/"status":"running"/' > /tmp/forged-state-$$.json
            state=$(git hash-object -w /tmp/forged-state-$$.json)
            event=$(git rev-parse "$tip:job_event.json")
            tree=$(printf '100644 blob %s\\tjob_event.json\\n100644 blob %s\\tjob_state.json\\n' "$event" "$state" | git mktree)
            parent=$(git rev-parse "$tip^")
            commit=$(GIT_AUTHOR_NAME=x GIT_AUTHOR_EMAIL=x@x GIT_COMMITTER_NAME=x GIT_COMMITTER_EMAIL=x@x git commit-tree "$tree" -p "$parent" -m forged)
            git update-ref refs/gaitstore/jobs/t "$commit"
            rm -f /tmp/forged-state-$$.json
            """)
        XCTAssertEqual(forged.status, 0, forged.stderr)
        let fsck = try gs(["fsck"])
        XCTAssertEqual(fsck.status, 2)
        XCTAssertTrue(fsck.stdout.contains("not signed"), fsck.stdout)
        XCTAssertTrue(fsck.stdout.contains("differs from the replay"), fsck.stdout)
        XCTAssertEqual(try gs(["job", "inspect", "--verify", "t"]).status, 2)
    }
}
