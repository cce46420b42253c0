import Foundation
import XCTest
@testable import ObjectStore

/// push over a path, a file:// URL and a real git daemon, checked with stock git in the remote.
final class GitRemotePushTests: GitRemoteTestCase {
    private let accepted: String? = nil

    func testExplicitRefsLandUpdateAndDelete() throws {
        for transport in GitTestTransport.allCases {
            let remote = try makeRemote("push-\(transport)")
            let url = try url(of: remote, over: transport)
            let catalog = try commit(["catalog.txt": "catalog \(transport)"])
            let job = try commit(["job.txt": "event 1"], parents: [catalog])
            try repo.updateReference("refs/gaitstore/catalog", to: catalog, expected: try repo.resolveReference("refs/gaitstore/catalog"),
                                     message: "test")

            let results = try repo.push(url, refspecs: ["refs/gaitstore/catalog", try outgoing(job, to: "refs/gaitstore/jobs/job-1")], progress: nil)
            XCTAssertEqual(results, [GitPushResult(ref: "refs/gaitstore/catalog", rejection: accepted, previous: nil),
                                     GitPushResult(ref: "refs/gaitstore/jobs/job-1", rejection: accepted, previous: nil)], "\(transport)")
            XCTAssertEqual(try remoteRef(remote, "refs/gaitstore/catalog"), catalog, "\(transport)")
            XCTAssertEqual(try remoteRef(remote, "refs/gaitstore/jobs/job-1"), job, "\(transport)")
            try remoteGit(remote, "fsck", "--strict", "--no-dangling")

            // Pushing what the remote already holds is accepted and changes nothing.
            XCTAssertEqual(try repo.push(url, refspecs: [try outgoing(job, to: "refs/gaitstore/jobs/job-1")], progress: nil),
                           [GitPushResult(ref: "refs/gaitstore/jobs/job-1", rejection: accepted, previous: job)], "\(transport)")

            // A fast-forward, then a deletion, then a deletion of what is gone. The push says what
            // the remote held before it moved anything.
            let next = try commit(["job.txt": "event 2"], parents: [job])
            XCTAssertEqual(try repo.push(url, refspecs: [try outgoing(next, to: "refs/gaitstore/jobs/job-1")], progress: nil),
                           [GitPushResult(ref: "refs/gaitstore/jobs/job-1", rejection: accepted, previous: job)], "\(transport)")
            XCTAssertEqual(try remoteRef(remote, "refs/gaitstore/jobs/job-1"), next, "\(transport)")
            XCTAssertEqual(try repo.push(url, refspecs: [":refs/gaitstore/jobs/job-1"], progress: nil).map(\.rejection),
                           [accepted], "\(transport)")
            XCTAssertNil(try remoteRef(remote, "refs/gaitstore/jobs/job-1"), "\(transport)")
            XCTAssertEqual(try repo.push(url, refspecs: [":refs/gaitstore/jobs/job-1"], progress: nil).map(\.rejection),
                           [GitPushResult.remoteRefMissing], "\(transport)")
            XCTAssertEqual(try remoteRef(remote, "refs/gaitstore/catalog"), catalog, "\(transport): other refs untouched")
        }
    }

    func testNonFastForwardWithoutPlusIsRejectedAndTheRemoteRefStays() throws {
        for transport in GitTestTransport.allCases {
            let remote = try makeRemote("nonff-\(transport)")
            let url = try url(of: remote, over: transport)
            let job = "refs/gaitstore/jobs/j"
            let base = try commit(["job.txt": "base \(transport)"])
            XCTAssertEqual(try repo.push(url, refspecs: [try outgoing(base, to: job)], progress: nil).map(\.rejection), [accepted])

            // Another writer appends an event this store has never seen.
            let theirs = try foreignCommit(in: remote, parent: base, content: "their event")
            try remoteGit(remote, "update-ref", job, theirs.hex, base.hex)
            let ours = try commit(["job.txt": "our event"], parents: [base])
            let unrelated = try commit(["other.txt": "other job"])
            let results = try repo.push(url, refspecs: [try outgoing(ours, to: job), try outgoing(unrelated, to: "refs/gaitstore/jobs/k")], progress: nil)
            XCTAssertEqual(results, [GitPushResult(ref: job, rejection: GitPushResult.fetchFirst, previous: theirs),
                                     GitPushResult(ref: "refs/gaitstore/jobs/k", rejection: accepted, previous: nil)], "\(transport)")
            XCTAssertEqual(try remoteRef(remote, job), theirs, "\(transport)")
            XCTAssertEqual(try remoteRef(remote, "refs/gaitstore/jobs/k"), unrelated, "\(transport)")

            // Once fetched, their commit is known here and the push is a plain non-fast-forward.
            _ = try repo.fetch(url, refspecs: ["+\(job):refs/peer/\(transport)/j"], progress: nil)
            XCTAssertEqual(try repo.push(url, refspecs: [try outgoing(ours, to: job)], progress: nil).map(\.rejection),
                           [GitPushResult.nonFastForward], "\(transport)")
            XCTAssertEqual(try remoteRef(remote, job), theirs, "\(transport)")

            // A rewind without + is refused too; with + it goes through.
            XCTAssertEqual(try repo.push(url, refspecs: [try outgoing(base, to: job)], progress: nil).map(\.rejection),
                           [GitPushResult.nonFastForward], "\(transport)")
            XCTAssertEqual(try repo.push(url, refspecs: [try outgoing(ours, to: job, force: true)], progress: nil).map(\.rejection), [accepted], "\(transport)")
            XCTAssertEqual(try remoteRef(remote, job), ours, "\(transport)")
        }
    }

    /// Another writer moves the ref while the pack is on its way (from inside the progress
    /// callback, so after the push read the remote's refs and before the remote updates them).
    /// The push must lose: with `+` as well, since it only ever replaces the value it saw.
    func testARefMovedDuringThePushIsNeverOverwritten() throws {
        let payload = try randomBytes(256 << 10)
        for transport in GitTestTransport.allCases {
            for force in [false, true] {
                let remote = try makeRemote("race-\(transport)-\(force)")
                let url = try url(of: remote, over: transport)
                let job = "refs/gaitstore/jobs/j"
                let base = try commit(["job.txt": "base \(transport) \(force)"])
                XCTAssertEqual(try repo.push(url, refspecs: [try outgoing(base, to: job)], progress: nil).map(\.rejection), [accepted])
                let theirs = try foreignCommit(in: remote, parent: base, content: "their event")
                let ours = try commitWithPayload(payload, parents: [base])

                var moved = false
                let results = try repo.push(url, refspecs: [try outgoing(ours, to: job, force: force)]) { _ in
                    guard !moved else { return }
                    moved = true
                    _ = try? self.remoteGit(remote, "update-ref", job, theirs.hex, base.hex)
                }
                XCTAssertTrue(moved, "\(transport): progress never fired")
                XCTAssertEqual(results.map(\.ref), [job])
                XCTAssertNotNil(results.first?.rejection, "\(transport) force=\(force): overwrote a ref it never saw")
                XCTAssertEqual(try remoteRef(remote, job), theirs, "\(transport) force=\(force)")
            }
        }
    }

    func testARefLockedByAnotherWriterIsRefusedNotForced() throws {
        for transport in GitTestTransport.allCases {
            let remote = try makeRemote("locked-\(transport)")
            let url = try url(of: remote, over: transport)
            let job = "refs/gaitstore/jobs/j"
            let base = try commit(["job.txt": "base \(transport)"])
            XCTAssertEqual(try repo.push(url, refspecs: [try outgoing(base, to: job)], progress: nil).map(\.rejection), [accepted])
            let lock = remote + "/" + job + ".lock"
            XCTAssertTrue(FileManager.default.createFile(atPath: lock, contents: Data()))

            let next = try commit(["job.txt": "next"], parents: [base])
            let results = try repo.push(url, refspecs: [try outgoing(next, to: job)], progress: nil)
            XCTAssertEqual(results.map(\.ref), [job])
            XCTAssertNotNil(results.first?.rejection, "\(transport)")
            if transport != .daemon { XCTAssertEqual(results.first?.rejection, GitPushResult.remoteRefLocked) }
            XCTAssertEqual(try remoteRef(remote, job), base, "\(transport)")
            XCTAssertTrue(FileManager.default.fileExists(atPath: lock), "\(transport): another writer's lock was removed")
        }
    }

    func testRefusalsByTheRemoteComeBackPerRefWithItsReason() throws {
        let remote = try makeRemote("hooked")
        let hook = remote + "/hooks/update"
        let script = "#!/bin/sh\ncase \"$1\" in refs/gaitstore/locked/*) echo \"$1 is locked\" >&2; exit 1;; esac\nexit 0\n"
        XCTAssertTrue(FileManager.default.createFile(atPath: hook, contents: Data(script.utf8), attributes: [.posixPermissions: 0o755]))
        let url = try url(of: remote, over: .daemon)
        let first = try commit(["a.txt": "a"])
        let second = try commit(["b.txt": "b"])

        let results = try repo.push(url, refspecs: [try outgoing(first, to: "refs/gaitstore/locked/x"), try outgoing(second, to: "refs/gaitstore/jobs/open")],
                                    progress: nil)
        XCTAssertEqual(results, [GitPushResult(ref: "refs/gaitstore/locked/x", rejection: "hook declined", previous: nil),
                                 GitPushResult(ref: "refs/gaitstore/jobs/open", rejection: accepted, previous: nil)])
        XCTAssertNil(try remoteRef(remote, "refs/gaitstore/locked/x"))
        XCTAssertEqual(try remoteRef(remote, "refs/gaitstore/jobs/open"), second)
    }

    func testASignedCommitArrivesWithItsSignatureByteForByte() throws {
        let key = scratch + "/alice_ed25519"
        XCTAssertEqual(try run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "alice", "-f", key]).status, 0)
        let tree = try repo.writeTree(paths: [(path: "job.txt", oid: try repo.writeBlob(Array("signed event\n".utf8)), mode: .blob)])
        let signed = try repo.createCommit(tree: tree, parents: [], message: "signed event\n", author: alice) { payload in
            let output = try self.run("/usr/bin/ssh-keygen", ["-Y", "sign", "-n", "git", "-f", key], stdin: Data(payload.utf8))
            XCTAssertEqual(output.status, 0, output.stderr)
            return output.text
        }
        let local = try git("cat-file", "commit", signed.hex).stdout
        XCTAssertTrue(String(decoding: local, as: UTF8.self).contains("\ngpgsig -----BEGIN SSH SIGNATURE-----\n"))
        let publicKey = try String(contentsOfFile: key + ".pub", encoding: .utf8)
        let allowedSigners = writeFile("allowed_signers", Array("alice@example.org namespaces=\"git\" \(publicKey)".utf8))

        for transport in GitTestTransport.allCases {
            let remote = try makeRemote("signed-\(transport)")
            let url = try url(of: remote, over: transport)
            XCTAssertEqual(try repo.push(url, refspecs: [try outgoing(signed, to: "refs/gaitstore/jobs/signed")], progress: nil).map(\.rejection),
                           [accepted], "\(transport)")
            let arrived = try run("/usr/bin/git", ["-C", remote, "cat-file", "commit", "refs/gaitstore/jobs/signed"])
            XCTAssertEqual(arrived.stdout, local, "\(transport)")
            let verify = try run("/usr/bin/git", ["-C", remote, "-c", "gpg.ssh.allowedSignersFile=\(allowedSigners)",
                                                  "verify-commit", "refs/gaitstore/jobs/signed"])
            XCTAssertEqual(verify.status, 0, "\(transport): \(verify.stderr)")
        }
    }

    func testProgressIsReportedForAFewMegabytesBothWays() throws {
        let size = 3 << 20
        let tip = try commitWithPayload(try randomBytes(size))
        for transport in GitTestTransport.allCases {
            let remote = try makeRemote("progress-\(transport)")
            let url = try url(of: remote, over: transport)
            var sent = [GitTransferProgress]()
            XCTAssertEqual(try repo.push(url, refspecs: [try outgoing(tip, to: "refs/gaitstore/catalog")]) { sent.append($0) }.map(\.rejection),
                           [accepted], "\(transport)")
            let pushed = try XCTUnwrap(sent.last, "\(transport): no push progress")
            XCTAssertEqual(pushed.totalObjects, 3, "\(transport)")  // commit, tree, blob
            XCTAssertEqual(pushed.receivedObjects, 3, "\(transport)")
            XCTAssertGreaterThanOrEqual(pushed.receivedBytes, size, "\(transport)")

            let fresh = try GitRepository.initBare(at: scratch + "/fresh-\(transport).git")
            var received = [GitTransferProgress]()
            _ = try fresh.fetch(url, refspecs: ["+refs/gaitstore/*:refs/gaitstore/*"]) { received.append($0) }
            let fetched = try XCTUnwrap(received.last, "\(transport): no fetch progress")
            XCTAssertEqual(fetched, GitTransferProgress(receivedObjects: 3, totalObjects: 3, indexedObjects: 3,
                                                        receivedBytes: fetched.receivedBytes), "\(transport)")
            XCTAssertGreaterThanOrEqual(fetched.receivedBytes, size, "\(transport)")
            XCTAssertEqual(try fresh.resolveReference("refs/gaitstore/catalog"), tip)
        }
    }

    func testRefusesWhatItCannotDoFaithfullyAndSendsNothing() throws {
        let remote = try makeRemote("inputs")
        let tip = try commit(["a.txt": "a"])
        try repo.updateReference("refs/gaitstore/catalog", to: tip, expected: nil, message: "test")
        func expect(_ error: GitRemoteError, _ body: () throws -> Any, line: UInt = #line) {
            XCTAssertThrowsError(try body(), line: line) { XCTAssertEqual($0 as? GitRemoteError, error, line: line) }
        }
        expect(.globInPushRefspec("refs/gaitstore/*:refs/gaitstore/*")) {
            try self.repo.push(remote, refspecs: ["refs/gaitstore/*:refs/gaitstore/*"], progress: nil)
        }
        expect(.duplicatePushDestination("refs/gaitstore/x")) {
            try self.repo.push(remote, refspecs: ["refs/gaitstore/catalog:refs/gaitstore/x", "+refs/gaitstore/catalog:refs/gaitstore/x"], progress: nil)
        }
        expect(.unknownPushSource("refs/gaitstore/none", refspec: "refs/gaitstore/none:refs/gaitstore/none")) {
            try self.repo.push(remote, refspecs: ["refs/gaitstore/none:refs/gaitstore/none"], progress: nil)
        }
        expect(.invalidRefspec("refs/gaitstore/catalog:catalog", reason: "catalog is not a full reference name (refs/...)")) {
            try self.repo.push(remote, refspecs: ["refs/gaitstore/catalog:catalog"], progress: nil)
        }
        // libgit2 1.5 pushes from references only, so a bare commit id is refused up front.
        expect(.unknownPushSource(tip.hex, refspec: tip.hex + ":refs/gaitstore/x")) {
            try self.repo.push(remote, refspecs: [tip.hex + ":refs/gaitstore/x"], progress: nil)
        }
        for operation in ["push", "fetch", "ls-remote"] {
            expect(.unknownRemote("nowhere")) {
                switch operation {
                case "push": return try self.repo.push("nowhere", refspecs: ["refs/gaitstore/catalog"], progress: nil)
                case "fetch": return try self.repo.fetch("nowhere", refspecs: ["+refs/*:refs/x/*"], progress: nil)
                default: return try self.repo.listRemoteReferences("nowhere", prefix: "")
                }
            }
        }
        XCTAssertThrowsError(try repo.fetch(remote, refspecs: ["refs/a:refs/b:refs/c"], progress: nil)) {
            guard case .invalidRefspec? = $0 as? GitRemoteError else { return XCTFail("\($0)") }
        }
        XCTAssertEqual(try remoteGit(remote, "for-each-ref"), "", "nothing reached the remote")

        // libgit2's local transport refuses work trees, and so does gaitstore.
        let workTree = scratch + "/worktree"
        XCTAssertEqual(try run("/usr/bin/git", ["init", "--quiet", workTree]).status, 0)
        expect(.nonBareDestination(workTree)) { try self.repo.push(workTree, refspecs: ["refs/gaitstore/catalog"], progress: nil) }

        // A transport failure (nothing listens on port 1) throws rather than reporting per-ref results.
        XCTAssertThrowsError(try repo.push("git://127.0.0.1:1/inputs.git", refspecs: ["refs/gaitstore/catalog"], progress: nil)) {
            XCTAssertTrue($0 is GitError, "\($0)")
        }
    }
}
