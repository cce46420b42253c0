import XCTest
@testable import ObjectStore

final class CryptoEd25519Tests: XCTestCase {
    /// RFC 8032 §7.1, TEST 1 and TEST 2.
    private let vectors: [(seed: String, publicKey: String, message: String, signature: String)] = [
        ("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
         "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
         "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
        ("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
         "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
         "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
    ]

    func testRFC8032Vectors() throws {
        for v in vectors {
            let key = try XCTUnwrap(Ed25519PrivateKey(seed: Hex.decode(v.seed)!))
            XCTAssertEqual(Hex.encode(key.publicKey.bytes), v.publicKey)
            let message = Hex.decode(v.message)!
            XCTAssertEqual(Hex.encode(key.sign(message)), v.signature)
            XCTAssertTrue(key.publicKey.verify(signature: Hex.decode(v.signature)!, message: message))
        }
    }

    func testVerifyRejectsAnyChange() throws {
        let key = Ed25519PrivateKey.generate()
        let message = Array("gaitstore evidence".utf8)
        let signature = key.sign(message)
        XCTAssertEqual(signature.count, 64)
        XCTAssertTrue(key.publicKey.verify(signature: signature, message: message))

        var badSignature = signature
        badSignature[10] ^= 0x01
        XCTAssertFalse(key.publicKey.verify(signature: badSignature, message: message))
        var badMessage = message
        badMessage[0] ^= 0x20
        XCTAssertFalse(key.publicKey.verify(signature: signature, message: badMessage))
        XCTAssertFalse(Ed25519PrivateKey.generate().publicKey.verify(signature: signature, message: message))
        XCTAssertFalse(key.publicKey.verify(signature: Array(signature.dropLast()), message: message))
    }

    func testLengthsAreChecked() {
        XCTAssertNil(Ed25519PrivateKey(seed: [UInt8](repeating: 1, count: 31)))
        XCTAssertNil(Ed25519PrivateKey(seed: [UInt8](repeating: 1, count: 64)))
        XCTAssertNil(Ed25519PublicKey(bytes: [UInt8](repeating: 1, count: 33)))
    }

    func testGeneratedKeysDiffer() {
        let a = Ed25519PrivateKey.generate(), b = Ed25519PrivateKey.generate()
        XCTAssertNotEqual(a.seed, b.seed)
        XCTAssertNotEqual(a.publicKey, b.publicKey)
        XCTAssertEqual(Ed25519PrivateKey(seed: a.seed)?.publicKey, a.publicKey)
    }

    /// Python's `cryptography` (OpenSSL) is an independent Ed25519: same public key and, since
    /// Ed25519 is deterministic, the same signature bytes.
    func testMatchesPythonCryptography() throws {
        let key = Ed25519PrivateKey.generate()
        let message = Array("pack_manifest signed digest".utf8)
        let script = """
        import sys
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
        from cryptography.hazmat.primitives import serialization as s
        k = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(sys.argv[1]))
        print(k.public_key().public_bytes(s.Encoding.Raw, s.PublicFormat.Raw).hex())
        print(k.sign(sys.stdin.buffer.read()).hex())
        """
        let out = try CryptoTestShell.check(["python3", "-c", script, Hex.encode(key.seed)], stdin: message)
        let lines = out.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines, [Hex.encode(key.publicKey.bytes), Hex.encode(key.sign(message))])
    }

    func testKeyIDIsSHA256OfTheRawKey() throws {
        let key = Ed25519PrivateKey.generate().publicKey
        let expected = try CryptoTestShell.check(
            ["python3", "-c", "import hashlib,sys; print(hashlib.sha256(bytes.fromhex(sys.argv[1])).hexdigest())",
             Hex.encode(key.bytes)])
        XCTAssertEqual(key.keyID, expected.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    func testOpenSSHLineAndFingerprintMatchSSHKeygen() throws {
        let scratch = try CryptoScratchDirectory()
        defer { scratch.remove() }
        let key = Ed25519PrivateKey.generate().publicKey
        let pub = scratch.path("k.pub")
        try (key.openSSHLine + "\n").write(toFile: pub, atomically: false, encoding: .utf8)
        XCTAssertTrue(key.openSSHLine.hasPrefix("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI"))
        let listing = try CryptoTestShell.check(["ssh-keygen", "-l", "-E", "sha256", "-f", pub])
        // "256 SHA256:<fp> no comment (ED25519)"
        XCTAssertEqual(listing.split(separator: " ")[1], Substring(key.fingerprint))
        XCTAssertFalse(key.fingerprint.hasSuffix("="))
    }

    func testDescriptionNeverShowsTheSeed() {
        let key = Ed25519PrivateKey.generate()
        let text = "\(key)"
        XCTAssertTrue(text.contains(key.publicKey.fingerprint))
        XCTAssertFalse(text.contains(Hex.encode(key.seed)))
        XCTAssertFalse(text.contains(Base64.encode(key.seed).dropLast(2)))
    }

    func testBase64IsStrict() {
        XCTAssertEqual(Base64.decode("AQIDBA=="), [1, 2, 3, 4])
        XCTAssertEqual(Base64.encode([1, 2, 3, 4]), "AQIDBA==")
        XCTAssertEqual(Base64.decode(""), [])
        XCTAssertNil(Base64.decode("AA=A"))
        XCTAssertNil(Base64.decode("AQIDBA"))
        XCTAssertNil(Base64.decode("AQ ID"))
        XCTAssertNil(Base64.decode("A==="))
        let bytes = (0..<200).map { UInt8($0) }
        let wrapped = Base64.encode(bytes, lineLength: 70)
        XCTAssertEqual(wrapped.split(separator: "\n").map(\.count), [70, 70, 70, 58])
        XCTAssertEqual(Base64.decode(wrapped.replacingOccurrences(of: "\n", with: "")), bytes)
    }
}
