import ObjectStore

/// SSHSIG (OpenSSH `PROTOCOL.sshsig`): the signature format git writes into a commit's `gpgsig`
/// header when `gpg.format=ssh`, and that `git verify-commit` checks through `ssh-keygen -Y verify`.
///
/// Only the message's SHA-512 is signed, wrapped in a small structure that binds the namespace,
/// so an agent or hardware key only ever sees about 100 bytes.
public enum SSHSignature {
    static let armorBegin = "-----BEGIN SSH SIGNATURE-----"
    static let armorEnd = "-----END SSH SIGNATURE-----"
    private static let magic = Array("SSHSIG".utf8)
    private static let version: UInt32 = 1
    /// What `ssh-keygen -Y sign` uses, and so what git's own signatures use.
    private static let signingHash = "sha512"

    /// SSHSIG over `message` with hash sha512, armored exactly as `ssh-keygen -Y sign -n <namespace>`
    /// writes it (base64 in lines of 70, final newline). Ed25519 is deterministic, so the result is
    /// byte-identical to ssh-keygen's for the same key and message. `namespace` must not be empty.
    public static func sign(_ message: [UInt8], namespace: String, key: Ed25519PrivateKey) -> String {
        let data = signedData(message: message, namespace: namespace, hash: signingHash)
        return armor(publicKey: key.publicKey, namespace: namespace, signature: key.sign(data))
    }

    /// The same signature made by ssh-agent, for keys gaitstore cannot read (passphrase-protected,
    /// hardware-backed). The agent's answer is checked before it is returned.
    public static func sign(_ message: [UInt8], namespace: String, agent: SSHAgent,
                            publicKey: Ed25519PublicKey) throws -> String {
        let data = signedData(message: message, namespace: namespace, hash: signingHash)
        let signature = try agent.sign(data, key: publicKey)
        guard publicKey.verify(signature: signature, message: data) else {
            throw SSHSignatureError.agentSignatureInvalid(fingerprint: publicKey.fingerprint)
        }
        return armor(publicKey: publicKey, namespace: namespace, signature: signature)
    }

    /// Parses and checks an armored SSHSIG over `message` in `namespace` and returns the key that
    /// made it. Whether that key is trusted is a separate question (`AllowedSigners`).
    /// Accepts sha512 and sha256 hashes, as git does.
    public static func verify(armored: String, message: [UInt8], namespace: String) throws -> Ed25519PublicKey {
        var r = SSHWireReader(try dearmor(armored))
        guard r.raw(magic.count) == magic else { throw SSHSignatureError.malformed("it does not start with SSHSIG") }
        guard let version = r.uint32() else { throw SSHSignatureError.malformed("truncated") }
        guard version == Self.version else { throw SSHSignatureError.unsupportedVersion(version) }
        guard let keyBlob = r.string(), let signedNamespace = r.text(), r.string() != nil,
              let hash = r.text(), let signatureBlob = r.string() else {
            throw SSHSignatureError.malformed("truncated")
        }
        guard r.isAtEnd else { throw SSHSignatureError.malformed("unexpected data after the signature") }

        let key = try signerKey(keyBlob)
        guard signedNamespace == namespace else {
            throw SSHSignatureError.namespaceMismatch(found: signedNamespace, expected: namespace)
        }
        guard hash == "sha512" || hash == "sha256" else { throw SSHSignatureError.unsupportedHash(hash) }

        var s = SSHWireReader(signatureBlob)
        guard let signatureType = s.text() else { throw SSHSignatureError.malformed("truncated signature") }
        guard signatureType == Ed25519PublicKey.sshKeyType else {
            throw SSHSignatureError.malformed("signature type \(signatureType) does not match key type ssh-ed25519")
        }
        guard let signature = s.string(), signature.count == 64, s.isAtEnd else {
            throw SSHSignatureError.malformed("the Ed25519 signature is not 64 bytes")
        }
        let data = signedData(message: message, namespace: namespace, hash: hash)
        guard key.verify(signature: signature, message: data) else {
            throw SSHSignatureError.incorrectSignature(fingerprint: key.fingerprint)
        }
        return key
    }

    // MARK: - Layout

    /// The bytes that are actually signed: magic, namespace, reserved, hash name, H(message).
    private static func signedData(message: [UInt8], namespace: String, hash: String) -> [UInt8] {
        precondition(!namespace.isEmpty, "an SSHSIG namespace must not be empty")
        var w = SSHWireWriter()
        w.raw(magic)
        w.string(namespace)
        w.string("")
        w.string(hash)
        w.string(hash == "sha256" ? SHA256Digest.of(message).bytes : Sodium.sha512(message))
        return w.bytes
    }

    private static func armor(publicKey: Ed25519PublicKey, namespace: String, signature: [UInt8]) -> String {
        var sig = SSHWireWriter()
        sig.string(Ed25519PublicKey.sshKeyType)
        sig.string(signature)

        var w = SSHWireWriter()
        w.raw(magic)
        w.uint32(version)
        w.string(publicKey.wireBlob)
        w.string(namespace)
        w.string("")
        w.string(signingHash)
        w.string(sig.bytes)
        return armorBegin + "\n" + Base64.encode(w.bytes, lineLength: 70) + "\n" + armorEnd + "\n"
    }

    private static func dearmor(_ armored: String) throws -> [UInt8] {
        let text = KeyText.trimmed(armored)
        guard text.hasPrefix(armorBegin), text.hasSuffix(armorEnd), text.count > armorBegin.count + armorEnd.count else {
            throw SSHSignatureError.notArmored
        }
        let body = text.dropFirst(armorBegin.count).dropLast(armorEnd.count)
            .filter { !($0.isWhitespace) }
        guard let blob = Base64.decode(body) else { throw SSHSignatureError.malformed("the body is not valid base64") }
        return blob
    }

    private static func signerKey(_ blob: [UInt8]) throws -> Ed25519PublicKey {
        do {
            return try Ed25519PublicKey(wireBlob: blob)
        } catch KeyBlobProblem.unsupportedType(let type) {
            throw SSHSignatureError.unsupportedKeyType(type)
        } catch {
            throw SSHSignatureError.malformed("the signer's public key is corrupt")
        }
    }
}
