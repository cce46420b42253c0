import XCTest
import ObjectStore
@testable import Refs

/// Stock git must accept the commits gaitstore signs: `git verify-commit` with
/// `gpg.ssh.allowedSignersFile` pointing at an allowed_signers file written by `AllowedSigners`.
final class GitCommitSignatureTests: XCTestCase {
    private var scratch: RefsScratchDirectory!

    override func setUpWithError() throws {
        scratch = try RefsScratchDirectory()
    }

    override func tearDown() {
        scratch.remove()
    }

    /// Inserts `gpgsig` as git's `sign_with_header` does: last header, continuation lines
    /// prefixed by one space, no trailing newline kept inside the header.
    private func signedCommit(payload: String, signature: String) -> String {
        let split = payload.range(of: "\n\n")!
        let headers = payload[..<split.lowerBound]
        let body = payload[split.lowerBound...]
        let signatureLines = signature.split(separator: "\n")
        return headers + "\ngpgsig " + signatureLines.joined(separator: "\n ") + body
    }

    func testGitVerifyCommitAcceptsOurSignature() throws {
        let repo = scratch.url.appendingPathComponent("repo")
        try RefsTestShell.check(["git", "init", "-q", "--bare", repo.path])
        let git = ["git", "-C", repo.path]
        let tree = try RefsTestShell.check(git + ["hash-object", "-t", "tree", "-w", "--stdin"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let payload = """
        tree \(tree)
        author Gait Store <gaitstore@example> 1700000000 +0000
        committer Gait Store <gaitstore@example> 1700000000 +0000

        gaitstore: signed catalog commit

        """
        let key = Ed25519PrivateKey.generate()
        let commit = signedCommit(payload: payload, signature: SSHSignature.sign(Array(payload.utf8), namespace: "git", key: key))
        let id = try RefsTestShell.check(git + ["hash-object", "-t", "commit", "-w", "--stdin"], stdin: Array(commit.utf8))
            .trimmingCharacters(in: .whitespacesAndNewlines)

        var signers = AllowedSigners()
        try signers.add(principal: "gaitstore@example", key: key.publicKey)
        let allowed = scratch.path("allowed_signers")
        try signers.write(to: allowed)

        let verify = try RefsTestShell.run(git + ["-c", "gpg.ssh.allowedSignersFile=\(allowed)", "verify-commit", "-v", id])
        XCTAssertEqual(verify.status, 0, verify.stderr)
        XCTAssertTrue(verify.stderr.contains("Good \"git\" signature for gaitstore@example with ED25519 key \(key.publicKey.fingerprint)"),
                      verify.stderr)
        let status = try RefsTestShell.check(git + ["-c", "gpg.ssh.allowedSignersFile=\(allowed)", "log", "-1", "--format=%G?|%GS|%GK", id])
        XCTAssertEqual(status, "G|gaitstore@example|\(key.publicKey.fingerprint)\n")

        // The same commit is refused when the key is not trusted, and a commit whose message was
        // edited after signing is refused: git really checked our bytes.
        var stranger = AllowedSigners()
        try stranger.add(principal: "gaitstore@example", key: Ed25519PrivateKey.generate().publicKey)
        let otherAllowed = scratch.path("other_allowed_signers")
        try stranger.write(to: otherAllowed)
        XCTAssertNotEqual(try RefsTestShell.run(git + ["-c", "gpg.ssh.allowedSignersFile=\(otherAllowed)", "verify-commit", id]).status, 0)

        let edited = commit.replacingOccurrences(of: "signed catalog commit", with: "signed catalog commjt")
        let editedID = try RefsTestShell.check(git + ["hash-object", "-t", "commit", "-w", "--stdin"], stdin: Array(edited.utf8))
            .trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertNotEqual(try RefsTestShell.run(git + ["-c", "gpg.ssh.allowedSignersFile=\(allowed)", "verify-commit", editedID]).status, 0)
    }
}
