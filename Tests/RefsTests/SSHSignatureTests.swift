import XCTest
import ObjectStore
@testable import Refs

final class SSHSignatureTests: XCTestCase {
    private var scratch: RefsScratchDirectory!
    private var keyPath: String!
    private var key: Ed25519PrivateKey!

    override func setUpWithError() throws {
        scratch = try RefsScratchDirectory()
        keyPath = try RefsTestKeys.sshKeygen(scratch.path("signer"))
        key = try KeyFiles.loadPrivate(keyPath)
    }

    override func tearDown() {
        scratch.remove()
    }

    /// ssh-keygen's signature of `message` in `namespace`, made with the key file at `path`.
    private func sshKeygenSign(_ message: [UInt8], namespace: String = "git", path: String? = nil,
                               extra: [String] = []) throws -> String {
        let messagePath = scratch.path("message-\(UUID().uuidString)")
        try Data(message).write(to: URL(fileURLWithPath: messagePath))
        try RefsTestShell.check(["ssh-keygen", "-q", "-Y", "sign", "-n", namespace, "-f", path ?? keyPath] + extra + [messagePath])
        return try String(contentsOfFile: messagePath + ".sig", encoding: .utf8)
    }

    /// `ssh-keygen -Y verify` of `armored` over `message` against an allowed_signers file we wrote.
    private func sshKeygenVerify(_ armored: String, message: [UInt8], principal: String = "signer@example",
                                 publicKey: Ed25519PublicKey) throws -> RefsTestShell.Result {
        var signers = AllowedSigners()
        try signers.add(principal: principal, key: publicKey)
        let allowed = scratch.path("allowed_signers")
        try signers.write(to: allowed)
        let sigPath = scratch.path("candidate.sig")
        try armored.write(toFile: sigPath, atomically: false, encoding: .utf8)
        return try RefsTestShell.run(["ssh-keygen", "-Y", "verify", "-f", allowed, "-I", principal, "-n", "git", "-s", sigPath],
                                     stdin: message)
    }

    func testSignatureIsByteIdenticalToSSHKeygen() throws {
        let messages: [[UInt8]] = [
            [],
            Array("tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n\nmessage\n".utf8),
            (0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 7) },
        ]
        for message in messages {
            XCTAssertEqual(SSHSignature.sign(message, namespace: "git", key: key), try sshKeygenSign(message))
        }
        XCTAssertEqual(SSHSignature.sign([1, 2, 3], namespace: "file", key: key), try sshKeygenSign([1, 2, 3], namespace: "file"))
    }

    func testSSHKeygenVerifiesOurSignature() throws {
        let fresh = Ed25519PrivateKey.generate()
        let message = Array("gaitstore catalog commit\n".utf8)
        let armored = SSHSignature.sign(message, namespace: "git", key: fresh)
        let good = try sshKeygenVerify(armored, message: message, publicKey: fresh.publicKey)
        XCTAssertEqual(good.status, 0, good.stderr)
        XCTAssertTrue(good.stdout.hasPrefix("Good \"git\" signature for signer@example with ED25519 key \(fresh.publicKey.fingerprint)"),
                      good.stdout)
        // The same check fails for another message, so the pass above means something.
        XCTAssertNotEqual(try sshKeygenVerify(armored, message: message + [0x0a], publicKey: fresh.publicKey).status, 0)
    }

    func testWeVerifySSHKeygenSignatures() throws {
        let message = Array("payload".utf8)
        XCTAssertEqual(try SSHSignature.verify(armored: try sshKeygenSign(message), message: message, namespace: "git"),
                       key.publicKey)
        // git accepts sha256 SSHSIGs too.
        let sha256 = try sshKeygenSign(message, extra: ["-O", "hashalg=sha256"])
        XCTAssertEqual(try SSHSignature.verify(armored: sha256, message: message, namespace: "git"), key.publicKey)
        XCTAssertThrowsError(try SSHSignature.verify(armored: sha256, message: message + [0], namespace: "git"))
    }

    func testTamperingIsRejectedWithAReason() throws {
        let message = Array("the commit payload\n".utf8)
        let armored = try sshKeygenSign(message)

        func expect(_ expected: SSHSignatureError, _ armored: String, _ message: [UInt8], namespace: String = "git",
                    line: UInt = #line) {
            XCTAssertThrowsError(try SSHSignature.verify(armored: armored, message: message, namespace: namespace), line: line) {
                XCTAssertEqual($0 as? SSHSignatureError, expected, "\($0)", line: line)
            }
        }
        let fingerprint = key.publicKey.fingerprint
        expect(.incorrectSignature(fingerprint: fingerprint), armored, message + [0x20])
        expect(.namespaceMismatch(found: "git", expected: "file"), armored, message, namespace: "file")
        expect(.namespaceMismatch(found: "file", expected: "git"), try sshKeygenSign(message, namespace: "file"), message)

        // Flip one byte of the Ed25519 signature itself (the last bytes of the blob).
        let body = armored.split(separator: "\n").dropFirst().dropLast().joined()
        var blob = try XCTUnwrap(Base64.decode(body))
        blob[blob.count - 5] ^= 0x01
        let flipped = SSHSignature.armorBegin + "\n" + Base64.encode(blob, lineLength: 70) + "\n" + SSHSignature.armorEnd + "\n"
        expect(.incorrectSignature(fingerprint: fingerprint), flipped, message)
        XCTAssertNotEqual(try sshKeygenVerify(flipped, message: message, publicKey: key.publicKey).status, 0)

        let truncated = SSHSignature.armorBegin + "\n" + Base64.encode(Array(blob.dropLast(10)), lineLength: 70) + "\n" + SSHSignature.armorEnd
        expect(.malformed("truncated"), truncated, message)
        expect(.notArmored, "-----BEGIN PGP SIGNATURE-----\nabc\n-----END PGP SIGNATURE-----\n", message)

        let rsa = try RefsTestKeys.sshKeygen(scratch.path("rsa"), type: "rsa")
        expect(.unsupportedKeyType("ssh-rsa"), try sshKeygenSign(message, path: rsa), message)
    }

    func testArmorIsWrappedAt70Columns() throws {
        let armored = SSHSignature.sign([], namespace: "git", key: key)
        let lines = armored.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.first, "-----BEGIN SSH SIGNATURE-----")
        XCTAssertEqual(lines.dropLast().last, "-----END SSH SIGNATURE-----")
        XCTAssertEqual(lines.last, "")
        XCTAssertTrue(lines.dropFirst().dropLast(2).dropLast().allSatisfy { $0.count == 70 })
        // Verification tolerates CRLF line ends, as a signature pasted through other tools may have.
        XCTAssertEqual(try SSHSignature.verify(armored: armored.replacingOccurrences(of: "\n", with: "\r\n"), message: [],
                                               namespace: "git"), key.publicKey)
    }
}
