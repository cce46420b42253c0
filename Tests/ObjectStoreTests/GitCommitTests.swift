import Foundation
import XCTest
@testable import ObjectStore

final class GitCommitTests: GitTestCase {
    /// Signs with the real `ssh-keygen -Y sign`, so stock `git verify-commit` can check the result.
    func sshSigner(key: String) -> (String) throws -> String {
        { payload in
            let file = self.scratch + "/payload-\(UUID().uuidString)"
            try Data(payload.utf8).write(to: URL(fileURLWithPath: file))
            let result = try self.run("/usr/bin/ssh-keygen", ["-Y", "sign", "-n", "git", "-f", key, file])
            XCTAssertEqual(result.status, 0, result.stderr)
            return try String(contentsOfFile: file + ".sig", encoding: .utf8)
        }
    }

    func testSignatureGoesIntoTheGpgsigHeaderAndGitVerifiesIt() throws {
        let key = scratch + "/signing_key"
        XCTAssertEqual(try run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "test", "-f", key]).status, 0)
        let publicKey = try String(contentsOfFile: key + ".pub", encoding: .utf8).split(separator: " ").prefix(2).joined(separator: " ")
        let allowedSigners = scratch + "/allowed_signers"
        try Data("alice@example.org namespaces=\"git\" \(publicKey)\n".utf8).write(to: URL(fileURLWithPath: allowedSigners))

        let tree = try repo.writeTree(paths: [("report.json", try repo.writeBlob(Array("{}\n".utf8)), .blob)])
        var payloads = [String]()
        var signatures = [String]()
        let signer = sshSigner(key: key)
        let commit = try repo.createCommit(tree: tree, parents: [], message: "gaitstore: first\n", author: alice) { payload in
            payloads.append(payload)
            let signature = try signer(payload)
            signatures.append(signature)
            return signature
        }
        XCTAssertEqual(payloads.count, 1)
        XCTAssertTrue(signatures[0].hasSuffix("-----END SSH SIGNATURE-----\n"))

        let shown = try git("cat-file", "-p", commit.hex).text
        XCTAssertTrue(shown.contains("\ngpgsig -----BEGIN SSH SIGNATURE-----\n "), shown)
        let raw = try git("cat-file", "commit", commit.hex).text
        XCTAssertFalse(raw.contains("\n \n"), "no stray continuation line from a trailing newline")
        let header = raw.components(separatedBy: "\n\n")[0].components(separatedBy: "\n")
        let unsigned = header.filter { !$0.hasPrefix("gpgsig ") && !$0.hasPrefix(" ") }.joined(separator: "\n")
            + "\n\n" + raw.components(separatedBy: "\n\n").dropFirst().joined(separator: "\n\n")
        XCTAssertEqual(unsigned, payloads[0], "the callback signs exactly the commit without its gpgsig header")

        let extracted = try XCTUnwrap(try repo.extractSignature(commit))
        XCTAssertEqual(extracted.signature + "\n", signatures[0])
        XCTAssertEqual(extracted.signedData, Array(payloads[0].utf8))

        let verify = try gitStatus(["-c", "gpg.ssh.allowedSignersFile=\(allowedSigners)", "verify-commit", commit.hex])
        XCTAssertEqual(verify.status, 0, verify.stderr)
        XCTAssertTrue(verify.stderr.contains("Good \"git\" signature for alice@example.org"), verify.stderr)
    }

    func testUnsignedCommitReadsBackAsGitShowsIt() throws {
        let root = try commit(["a": "1"], time: 1_700_000_000)
        let other = try commit(["b": "2"], time: 1_700_000_100)
        let tree = try repo.writeTree(paths: [("c", try repo.writeBlob(Array("3".utf8)), .blob)])
        let author = GitSignatureIdentity(name: "Ann Author", email: "ann@example.org", time: 1_700_000_200, offsetMinutes: 90)
        let committer = GitSignatureIdentity(name: "Carl Committer", email: "carl@example.org", time: 1_700_000_300, offsetMinutes: -480)
        let message = "merge: two lines\n\nbody with ünïcode\n"
        let merge = try repo.createCommit(tree: tree, parents: [root, other], message: message, author: author,
                                          committer: committer, sign: nil)

        let raw = try git("cat-file", "commit", merge.hex).text
        XCTAssertEqual(raw, """
            tree \(tree.hex)
            parent \(root.hex)
            parent \(other.hex)
            author Ann Author <ann@example.org> 1700000200 +0130
            committer Carl Committer <carl@example.org> 1700000300 -0800

            \(message)
            """)
        let info = try repo.readCommit(merge)
        XCTAssertEqual(info.tree, tree)
        XCTAssertEqual(info.parents, [root, other])
        XCTAssertEqual(info.message, message)
        XCTAssertEqual(info.author, author)
        XCTAssertEqual(info.committer, committer)
        XCTAssertNil(try repo.extractSignature(merge))
    }

    func testCommitErrorsNameTheProblem() throws {
        let tree = try repo.writeTree([])
        let blob = try repo.writeBlob(Array("x".utf8))
        let absent = try oid("0123456789abcdef0123456789abcdef01234567")
        XCTAssertThrowsError(try repo.createCommit(tree: tree, parents: [absent], message: "m", author: alice, sign: nil)) { error in
            XCTAssertTrue("\(error)".hasPrefix("read commit \(absent.hex): "), "\(error)")
        }
        XCTAssertThrowsError(try repo.createCommit(tree: tree, parents: [], message: "a\u{0}b", author: alice, sign: nil)) { error in
            XCTAssertEqual("\(error)", "commit message contains a NUL byte")
        }
        struct SignerFailed: Error {}
        XCTAssertThrowsError(try repo.createCommit(tree: tree, parents: [], message: "m", author: alice) { _ in throw SignerFailed() }) { error in
            XCTAssertTrue(error is SignerFailed)
        }
        XCTAssertThrowsError(try repo.extractSignature(blob)) { error in
            XCTAssertEqual("\(error)", "object \(blob.hex) is not a commit")
        }
        XCTAssertThrowsError(try repo.readCommit(blob))
        XCTAssertThrowsError(try repo.extractSignature(absent))
    }
}
