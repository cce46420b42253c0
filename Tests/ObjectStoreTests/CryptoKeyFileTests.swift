import XCTest
@testable import ObjectStore

final class CryptoKeyFileTests: XCTestCase {
    private var scratch: CryptoScratchDirectory!

    override func setUpWithError() throws {
        scratch = try CryptoScratchDirectory()
    }

    override func tearDown() {
        scratch.remove()
    }

    private func sshKeygen(_ name: String, type: String = "ed25519", passphrase: String = "", extra: [String] = []) throws -> String {
        let path = scratch.path(name)
        try CryptoTestShell.check(["ssh-keygen", "-q", "-t", type, "-N", passphrase, "-C", "\(name)@test", "-f", path] + extra)
        return path
    }

    private func fileMode(_ path: String) throws -> Int {
        try (FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    private func assertKeyFileError(_ expected: KeyFileError, _ body: () throws -> Void,
                                    file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            XCTAssertEqual(error as? KeyFileError, expected, "\(error)", file: file, line: line)
        }
    }

    // MARK: OpenSSH

    func testLoadsSSHKeygenKey() throws {
        let path = try sshKeygen("id_ed25519")
        let key = try KeyFiles.loadPrivate(path)
        let pubLine = try String(contentsOfFile: path + ".pub", encoding: .utf8)
        let parsed = try KeyFiles.parseOpenSSHPublic(pubLine)
        XCTAssertEqual(parsed.key, key.publicKey)
        XCTAssertEqual(parsed.comment, "id_ed25519@test")
        XCTAssertEqual(pubLine, key.publicKey.openSSHLine + " id_ed25519@test\n")
        XCTAssertEqual(try KeyFiles.loadPublic(path), key.publicKey)
        XCTAssertEqual(try KeyFiles.loadPublic(path + ".pub"), key.publicKey)

        let listing = try CryptoTestShell.check(["ssh-keygen", "-l", "-f", path + ".pub"])
        XCTAssertEqual(listing.split(separator: " ")[1], Substring(key.publicKey.fingerprint))
    }

    func testSSHKeygenReadsOurKey() throws {
        let key = Ed25519PrivateKey.generate()
        let path = scratch.path("ours")
        try KeyFiles.write(key, format: .openssh, to: path, comment: "gaitstore@host")

        XCTAssertEqual(try fileMode(path), 0o600)
        XCTAssertEqual(try fileMode(path + ".pub"), 0o644)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("-----BEGIN OPENSSH PRIVATE KEY-----\n"))
        XCTAssertTrue(text.hasSuffix("\n-----END OPENSSH PRIVATE KEY-----\n"))
        XCTAssertEqual(try String(contentsOfFile: path + ".pub", encoding: .utf8),
                       key.publicKey.openSSHLine + " gaitstore@host\n")

        let derived = try CryptoTestShell.check(["ssh-keygen", "-y", "-f", path])
        XCTAssertEqual(derived, key.publicKey.openSSHLine + " gaitstore@host\n")
        XCTAssertEqual(try KeyFiles.loadPrivate(path).seed, key.seed)

        // An independent parser (Python cryptography) finds the same secret.
        let script = """
        import sys
        from cryptography.hazmat.primitives import serialization as s
        k = s.load_ssh_private_key(open(sys.argv[1], 'rb').read(), None)
        print(k.private_bytes(s.Encoding.Raw, s.PrivateFormat.Raw, s.NoEncryption()).hex())
        """
        XCTAssertEqual(try CryptoTestShell.check(["python3", "-c", script, path]), Hex.encode(key.seed) + "\n")
    }

    func testOurKeyFileLayoutMatchesSSHKeygen() throws {
        // ssh-keygen re-serialises an unencrypted key when asked to change its comment;
        // apart from the random check integers the result is our layout byte for byte.
        let key = Ed25519PrivateKey.generate()
        let path = scratch.path("relabel")
        try KeyFiles.write(key, format: .openssh, to: path, comment: "a")
        try CryptoTestShell.check(["ssh-keygen", "-q", "-c", "-C", "b", "-f", path])
        let rewritten = try String(contentsOfFile: path, encoding: .utf8)
        guard case .plain(let reread, let comment) = try OpenSSHPrivateKeyCodec.decode(rewritten) else {
            return XCTFail("ssh-keygen wrote an encrypted key")
        }
        XCTAssertEqual(reread.seed, key.seed)
        XCTAssertEqual(comment, "b")
        let body = rewritten.split(separator: "\n").dropFirst().dropLast().joined()
        let blob = try XCTUnwrap(Base64.decode(body))
        // The check integers sit right after the header and the public key: find ours and re-encode.
        let headerLength = 15 + 4 + 4 + 4 + 4 + 4 + 4 + 4 + 51 + 4
        let checkint = UInt32(blob[headerLength]) << 24 | UInt32(blob[headerLength + 1]) << 16
            | UInt32(blob[headerLength + 2]) << 8 | UInt32(blob[headerLength + 3])
        XCTAssertEqual(OpenSSHPrivateKeyCodec.encode(key, comment: "b", checkint: checkint), rewritten)
    }

    func testEncryptedKeyIsReportedAsEncrypted() throws {
        let path = try sshKeygen("locked", passphrase: "correct horse")
        assertKeyFileError(.encrypted(path)) { _ = try KeyFiles.loadPrivate(path) }
        XCTAssertTrue("\(KeyFileError.encrypted(path))".contains("ssh-agent"))
        // The public half of an encrypted key is stored in the clear.
        XCTAssertEqual(try KeyFiles.loadPublic(path), try KeyFiles.loadPublic(path + ".pub"))
    }

    func testOtherKeyTypesAreRejectedByName() throws {
        let rsa = try sshKeygen("id_rsa", type: "rsa", extra: ["-b", "2048"])
        assertKeyFileError(.unsupportedKeyType(path: rsa, type: "ssh-rsa")) { _ = try KeyFiles.loadPrivate(rsa) }
        assertKeyFileError(.unsupportedKeyType(path: rsa + ".pub", type: "ssh-rsa")) { _ = try KeyFiles.loadPublic(rsa + ".pub") }
        XCTAssertTrue("\(KeyFileError.unsupportedKeyType(path: rsa, type: "ssh-rsa"))".contains("unsupported key type ssh-rsa"))

        let ecdsa = try sshKeygen("id_ecdsa", type: "ecdsa")
        assertKeyFileError(.unsupportedKeyType(path: ecdsa, type: "ecdsa-sha2-nistp256")) { _ = try KeyFiles.loadPrivate(ecdsa) }

        let pem = try sshKeygen("id_rsa_pem", type: "rsa", extra: ["-b", "2048", "-m", "PEM"])
        assertKeyFileError(.unsupportedFormat(path: pem, header: "-----BEGIN RSA PRIVATE KEY-----")) {
            _ = try KeyFiles.loadPrivate(pem)
        }
    }

    /// Each corruption is one OpenSSH itself rejects; we must reject it too, with a reason.
    func testCorruptOpenSSHKeysAreRejected() throws {
        let key = Ed25519PrivateKey.generate(), other = Ed25519PrivateKey.generate()
        let good = OpenSSHPrivateKeyCodec.encode(key, comment: "c", checkint: 0x01020304)
        let blob = Base64.decode(good.split(separator: "\n").dropFirst().dropLast().joined())!
        let checkintOffset = 15 + 4 * 7 + 51 + 4

        func armored(_ bytes: [UInt8]) -> String {
            OpenSSHPrivateKeyCodec.beginLine + "\n" + Base64.encode(bytes, lineLength: 70) + "\n" + OpenSSHPrivateKeyCodec.endLine + "\n"
        }
        var checkint = blob
        checkint[checkintOffset + 7] ^= 0xff
        var padding = blob
        padding[padding.count - 1] ^= 0x10
        var header = blob
        let otherBlob = other.publicKey.wireBlob
        header.replaceSubrange((15 + 4 * 6 + 4)..<(15 + 4 * 6 + 4 + 51), with: otherBlob)

        let cases: [(String, [UInt8], String)] = [
            ("checkint", checkint, "check integers differ"),
            ("padding", padding, "bad padding"),
            ("header", header, "differs from the file header"),
            ("truncated", Array(blob.dropLast(20)), "truncated"),
        ]
        for (name, bytes, reason) in cases {
            let path = scratch.path(name)
            try armored(bytes).write(toFile: path, atomically: false, encoding: .utf8)
            chmod(path, 0o600)
            XCTAssertThrowsError(try KeyFiles.loadPrivate(path), name) { error in
                let text = "\(error)"
                XCTAssertTrue(text.hasPrefix(path + ": malformed OpenSSH key: "), text)
                XCTAssertTrue(text.contains(reason), text)
            }
            XCTAssertNotEqual(try CryptoTestShell.run(["ssh-keygen", "-y", "-f", path]).status, 0, "ssh-keygen accepted \(name)")
        }
        let path = scratch.path("good")
        try good.write(toFile: path, atomically: false, encoding: .utf8)
        chmod(path, 0o600)
        XCTAssertEqual(try KeyFiles.loadPrivate(path).seed, key.seed)
        XCTAssertEqual(try CryptoTestShell.run(["ssh-keygen", "-y", "-f", path]).status, 0)
    }

    // MARK: gait

    func testGaitKeyFilesRoundTrip() throws {
        let key = Ed25519PrivateKey.generate()
        let path = scratch.path("signer_private.key")
        try KeyFiles.write(key, format: .gait, to: path, comment: "ignored")
        let publicPath = scratch.path("signer_public.key")
        XCTAssertEqual(KeyFiles.publicKeyPath(forPrivateKeyAt: path, format: .gait), publicPath)
        XCTAssertEqual(try fileMode(path), 0o600)
        XCTAssertEqual(try fileMode(publicPath), 0o600)

        // The files are what Go's ed25519 would read: base64 of seed‖public, and of the public key.
        let script = """
        import base64, sys
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
        from cryptography.hazmat.primitives import serialization as s
        priv = open(sys.argv[1]).read(); pub = open(sys.argv[2]).read()
        assert priv.endswith("\\n") and pub.endswith("\\n") and priv.count("\\n") == 1
        raw = base64.b64decode(priv[:-1], validate=True); pk = base64.b64decode(pub[:-1], validate=True)
        derived = Ed25519PrivateKey.from_private_bytes(raw[:32]).public_key().public_bytes(s.Encoding.Raw, s.PublicFormat.Raw)
        assert len(raw) == 64 and raw[32:] == pk == derived
        print(raw[:32].hex())
        """
        XCTAssertEqual(try CryptoTestShell.check(["python3", "-c", script, path, publicPath]), Hex.encode(key.seed) + "\n")

        XCTAssertEqual(try KeyFiles.loadPrivate(path).seed, key.seed)
        XCTAssertEqual(try KeyFiles.loadPublic(publicPath), key.publicKey)
        XCTAssertEqual(try KeyFiles.loadPublic(path), key.publicKey)

        let plain = scratch.path("plainname")
        try KeyFiles.write(key, format: .gait, to: plain, comment: "")
        XCTAssertEqual(try KeyFiles.loadPublic(plain + ".pub"), key.publicKey)
    }

    func testGaitKeysAreTrimmedAsGaitDoes() throws {
        let key = Ed25519PrivateKey.generate()
        let path = scratch.path("padded_private.key")
        try (" \t\r\n" + Base64.encode(key.expandedBytes) + "\r\n\r\n\t ").write(toFile: path, atomically: false, encoding: .utf8)
        XCTAssertEqual(try KeyFiles.loadPrivate(path).seed, key.seed)
        let pub = scratch.path("padded_public.key")
        try ("\n" + Base64.encode(key.publicKey.bytes) + " \r\n").write(toFile: pub, atomically: false, encoding: .utf8)
        XCTAssertEqual(try KeyFiles.loadPublic(pub), key.publicKey)
    }

    func testGaitLengthErrorsUseGaitsWording() throws {
        let path = scratch.path("short_private.key")
        try (Base64.encode([UInt8](repeating: 7, count: 48)) + "\n").write(toFile: path, atomically: false, encoding: .utf8)
        XCTAssertThrowsError(try KeyFiles.loadPrivate(path)) { error in
            XCTAssertEqual("\(error)", "\(path): invalid private key length: 48")
        }
        let pub = scratch.path("short_public.key")
        try Base64.encode([UInt8](repeating: 7, count: 31)).write(toFile: pub, atomically: false, encoding: .utf8)
        assertKeyFileError(.invalidPublicKeyLength(path: pub, length: 31)) { _ = try KeyFiles.loadPublic(pub) }

        // The public half stored in a gait private key must belong to its seed.
        let mismatched = scratch.path("mismatch_private.key")
        let seed = Ed25519PrivateKey.generate().seed, otherPublic = Ed25519PrivateKey.generate().publicKey.bytes
        try Base64.encode(seed + otherPublic).write(toFile: mismatched, atomically: false, encoding: .utf8)
        XCTAssertThrowsError(try KeyFiles.loadPrivate(mismatched)) { error in
            XCTAssertTrue("\(error)".contains("does not match the seed"), "\(error)")
        }
    }

    // MARK: Files and lines

    func testUnreadableAndForeignFiles() throws {
        let missing = scratch.path("nope")
        assertKeyFileError(.unreadable(path: missing, reason: "no such file")) { _ = try KeyFiles.loadPrivate(missing) }
        let junk = scratch.path("junk")
        try "definitely not a key!".write(toFile: junk, atomically: false, encoding: .utf8)
        XCTAssertThrowsError(try KeyFiles.loadPublic(junk))
        let notKey = scratch.path("notkey")
        try "%%%%".write(toFile: notKey, atomically: false, encoding: .utf8)
        assertKeyFileError(.notBase64(path: notKey)) { _ = try KeyFiles.loadPrivate(notKey) }
        let pubOnly = try sshKeygen("pubonly")
        assertKeyFileError(.notPrivate(pubOnly + ".pub")) { _ = try KeyFiles.loadPrivate(pubOnly + ".pub") }
    }

    func testPublicLineParsing() throws {
        let key = Ed25519PrivateKey.generate().publicKey
        let blob = key.openSSHLine.split(separator: " ")[1]
        XCTAssertEqual(try KeyFiles.parseOpenSSHPublic(key.openSSHLine).comment, "")
        XCTAssertEqual(try KeyFiles.parseOpenSSHPublic("  \(key.openSSHLine)\tuser@host with spaces \r\n").comment, "user@host with spaces")
        XCTAssertThrowsError(try KeyFiles.parseOpenSSHPublic("ssh-rsa \(blob)")) { error in
            XCTAssertEqual(error as? KeyFileError, .unsupportedKeyType(path: "OpenSSH public key line", type: "ssh-rsa"))
        }
        XCTAssertThrowsError(try KeyFiles.parseOpenSSHPublic("ssh-ed25519 \(blob.dropLast(4))"))
        XCTAssertThrowsError(try KeyFiles.parseOpenSSHPublic("ssh-ed25519"))
        XCTAssertThrowsError(try KeyFiles.parseOpenSSHPublic("ssh-ed25519 \(Base64.encode(key.bytes))"))
    }

    func testRewritingAKeyLeavesNoTemporaryFiles() throws {
        let path = scratch.path("rotate")
        let first = Ed25519PrivateKey.generate(), second = Ed25519PrivateKey.generate()
        try KeyFiles.write(first, format: .openssh, to: path, comment: "one")
        try KeyFiles.write(second, format: .openssh, to: path, comment: "two")
        XCTAssertEqual(try KeyFiles.loadPrivate(path).seed, second.seed)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: scratch.url.path).sorted(), ["rotate", "rotate.pub"])
        let unwritable = scratch.path("no/such/dir/k")
        XCTAssertThrowsError(try KeyFiles.write(first, format: .gait, to: unwritable, comment: "")) { error in
            XCTAssertTrue("\(error)".hasPrefix(unwritable + ": cannot write key file: "), "\(error)")
        }
    }
}
