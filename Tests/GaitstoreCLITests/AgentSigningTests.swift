import Foundation
import XCTest

/// A store whose key is passphrase-protected signs through a real ssh-agent.
final class AgentSigningTests: TemporaryDirectoryTestCase {
    func testEncryptedKeySignsThroughSSHAgent() throws {
        let keygen = try CLI.run(["-q", "-t", "ed25519", "-N", "correct horse", "-C", "agent@example", "-f", path("enc")],
                                 executable: URL(fileURLWithPath: "/usr/bin/ssh-keygen"))
        XCTAssertEqual(keygen.status, 0, keygen.stderr)
        let socket = path("agent.sock")
        let agent = Process()
        agent.executableURL = URL(fileURLWithPath: "/usr/bin/ssh-agent")
        agent.arguments = ["-D", "-a", socket]
        agent.standardOutput = FileHandle.nullDevice
        agent.standardError = FileHandle.nullDevice
        try agent.run()
        defer { agent.terminate(); agent.waitUntilExit() }
        for _ in 0..<100 where !FileManager.default.fileExists(atPath: socket) { usleep(20_000) }

        let store = path("store")
        let env = ["GAITSTORE_DIR": store, "SSH_AUTH_SOCK": socket]
        // Without the key in the agent, signing fails clearly and nothing is committed.
        XCTAssertEqual(try CLI.run(["init", "--key", path("enc"), "--principal", "agent@example"], environment: env).status, 0)
        let refused = try CLI.run(["import", tck("pack_job.zip")], environment: env)
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertEqual(refused.stderr.split(separator: "\n").count, 1, refused.stderr)

        try "#!/bin/sh\necho 'correct horse'\n".write(toFile: path("askpass"), atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: path("askpass"))
        let add = try CLI.run([path("enc")], executable: URL(fileURLWithPath: "/usr/bin/ssh-add"),
                              environment: ["SSH_AUTH_SOCK": socket, "SSH_ASKPASS": path("askpass"), "SSH_ASKPASS_REQUIRE": "force", "DISPLAY": ":0"])
        XCTAssertEqual(add.status, 0, add.stderr)

        let imported = try CLI.run(["import", tck("pack_job.zip")], environment: env)
        XCTAssertEqual(imported.status, 0, imported.stderr)
        let verify = try CLI.run(["-C", store, "-c", "gpg.ssh.allowedSignersFile=\(store)/allowed_signers", "verify-commit", "refs/gaitstore/catalog"],
                                 executable: URL(fileURLWithPath: "/usr/bin/git"))
        XCTAssertEqual(verify.status, 0, verify.stderr)
        XCTAssertTrue(verify.stderr.contains("agent@example"), verify.stderr)
    }
}
