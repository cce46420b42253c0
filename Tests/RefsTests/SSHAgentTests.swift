import XCTest
import ObjectStore
@testable import Refs

private struct AgentDidNotStart: Error {
    let socketPath: String
}

/// Signing through a real ssh-agent holding a passphrase-protected key.
final class SSHAgentTests: XCTestCase {
    private var scratch: RefsScratchDirectory!
    private var agentProcess: Process?
    private var socketPath: String!

    override func setUpWithError() throws {
        scratch = try RefsScratchDirectory()
        // Unix socket paths are short (108 bytes); keep this one well inside the limit.
        socketPath = "/tmp/gaitstore-agent-\(UUID().uuidString.prefix(8)).sock"
        let agent = Process()
        agent.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        agent.arguments = ["ssh-agent", "-D", "-a", socketPath]
        agent.standardOutput = FileHandle.nullDevice
        agent.standardError = FileHandle.nullDevice
        try agent.run()
        agentProcess = agent
        let deadline = Date().addingTimeInterval(10)
        while !FileManager.default.fileExists(atPath: socketPath) {
            guard Date() < deadline, agent.isRunning else { throw AgentDidNotStart(socketPath: socketPath) }
            usleep(20_000)
        }
    }

    override func tearDown() {
        if let agent = agentProcess {
            kill(agent.processIdentifier, SIGTERM)
            agent.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: socketPath)
        scratch.remove()
    }

    /// Adds the key at `path` to the agent, answering its passphrase prompt through SSH_ASKPASS.
    private func sshAdd(_ path: String, passphrase: String) throws {
        let askpass = scratch.path("askpass.sh")
        try "#!/bin/sh\necho '\(passphrase)'\n".write(toFile: askpass, atomically: false, encoding: .utf8)
        chmod(askpass, 0o700)
        try RefsTestShell.check(["ssh-add", "-q", path], environment: [
            "SSH_AUTH_SOCK": socketPath, "SSH_ASKPASS": askpass, "SSH_ASKPASS_REQUIRE": "force", "DISPLAY": ":0",
        ])
    }

    func testSignsThroughTheAgentWithAnEncryptedKey() throws {
        // One key in two files: in the clear (for the reference signature) and encrypted (for the agent).
        let plain = try RefsTestKeys.sshKeygen(scratch.path("plain"))
        let encrypted = scratch.path("encrypted")
        try FileManager.default.copyItem(atPath: plain, toPath: encrypted)
        try RefsTestShell.check(["ssh-keygen", "-q", "-p", "-P", "", "-N", "s3cret pass", "-f", encrypted])
        XCTAssertThrowsError(try KeyFiles.loadPrivate(encrypted)) { XCTAssertEqual($0 as? KeyFileError, .encrypted(encrypted)) }
        let key = try KeyFiles.loadPrivate(plain)
        let publicKey = try KeyFiles.loadPublic(encrypted)
        XCTAssertEqual(publicKey, key.publicKey)

        let agent = try XCTUnwrap(SSHAgent(socketPath: socketPath))
        XCTAssertEqual(try agent.identities(), [])
        try sshAdd(encrypted, passphrase: "s3cret pass")
        let rsa = try RefsTestKeys.sshKeygen(scratch.path("rsa"), type: "rsa")
        try sshAdd(rsa, passphrase: "")
        XCTAssertEqual(try agent.identities(), [publicKey], "ssh-ed25519 keys only, rsa skipped")

        let message = Array("tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n\nagent-signed\n".utf8)
        let armored = try SSHSignature.sign(message, namespace: "git", agent: agent, publicKey: publicKey)
        XCTAssertEqual(armored, SSHSignature.sign(message, namespace: "git", key: key))

        var signers = AllowedSigners()
        try signers.add(principal: "agent@example", key: publicKey)
        let allowed = scratch.path("allowed_signers")
        try signers.write(to: allowed)
        let sigPath = scratch.path("agent.sig")
        try armored.write(toFile: sigPath, atomically: false, encoding: .utf8)
        let verify = try RefsTestShell.run(["ssh-keygen", "-Y", "verify", "-f", allowed, "-I", "agent@example", "-n", "git", "-s", sigPath],
                                           stdin: message)
        XCTAssertEqual(verify.status, 0, verify.stderr)
    }

    func testAgentRefusesKeysItDoesNotHold() throws {
        let agent = try XCTUnwrap(SSHAgent(socketPath: socketPath))
        let stranger = Ed25519PrivateKey.generate().publicKey
        XCTAssertThrowsError(try SSHSignature.sign([1], namespace: "git", agent: agent, publicKey: stranger)) {
            XCTAssertEqual($0 as? SSHAgentError, .refused(path: self.socketPath, fingerprint: stranger.fingerprint))
        }
    }

    func testMissingAgentIsAClearError() throws {
        XCTAssertNil(SSHAgent(socketPath: ""))
        XCTAssertNil(SSHAgent(socketPath: nil))
        let gone = try XCTUnwrap(SSHAgent(socketPath: scratch.path("no-agent.sock")))
        XCTAssertThrowsError(try gone.identities()) { error in
            guard case .cannotConnect(let path, _) = error as? SSHAgentError else { return XCTFail("\(error)") }
            XCTAssertEqual(path, self.scratch.path("no-agent.sock"))
        }
    }
}
