/// The unencrypted `openssh-key-v1` private key file that `ssh-keygen -t ed25519 -N ""` writes
/// (OpenSSH `PROTOCOL.key`).
package enum OpenSSHPrivateKeyCodec {
    package static let beginLine = "-----BEGIN OPENSSH PRIVATE KEY-----"
    package static let endLine = "-----END OPENSSH PRIVATE KEY-----"
    private static let magic = Array("openssh-key-v1\0".utf8)
    /// The cipher block size of "none"; the private section is padded to a multiple of it.
    private static let blockSize = 8

    /// What a private key file holds. An encrypted file still shows its public key in the clear.
    package enum Contents {
        case plain(Ed25519PrivateKey, comment: String)
        case encrypted(Ed25519PublicKey, cipher: String)
    }

    /// Why a file is not a usable key; the caller adds which file.
    package enum Problem: Error, Equatable {
        case notArmored
        case notBase64
        case badMagic
        case truncated
        case keyCount(UInt32)
        case unsupportedType(String)
        case unsupportedKDF(cipher: String, kdf: String)
        case checkintMismatch
        case publicKeyMismatch(String)
        case badPadding
        case trailingData
    }

    /// The file text: armor, base64 wrapped at 70 columns as ssh-keygen does, final newline.
    /// `checkint` is the random value the format uses to detect a wrong passphrase.
    package static func encode(_ key: Ed25519PrivateKey, comment: String, checkint: UInt32) -> String {
        var secret = SSHWireWriter()
        secret.uint32(checkint)
        secret.uint32(checkint)
        secret.string(Ed25519PublicKey.sshKeyType)
        secret.string(key.publicKey.bytes)
        secret.string(key.expandedBytes)
        secret.string(comment)
        var pad: UInt8 = 1
        while secret.bytes.count % blockSize != 0 {
            secret.raw([pad])
            pad += 1
        }

        var file = SSHWireWriter()
        file.raw(magic)
        file.string("none")
        file.string("none")
        file.string("")
        file.uint32(1)
        file.string(key.publicKey.wireBlob)
        file.string(secret.bytes)
        return beginLine + "\n" + Base64.encode(file.bytes, lineLength: 70) + "\n" + endLine + "\n"
    }

    /// True when `text` (already trimmed) starts like an OpenSSH private key file.
    package static func looksLikeOpenSSH(_ text: String) -> Bool {
        text.hasPrefix(beginLine)
    }

    /// Reads and checks a private key file; every structural check OpenSSH makes is made here.
    package static func decode(_ text: String) throws -> Contents {
        let lines = text.split(whereSeparator: \.isNewline).map { KeyText.trimmed($0) }
        guard let begin = lines.firstIndex(of: beginLine),
              let end = lines[begin...].firstIndex(of: endLine) else { throw Problem.notArmored }
        let body = lines[(begin + 1)..<end].joined()
        guard let blob = Base64.decode(body) else { throw Problem.notBase64 }

        var r = SSHWireReader(blob)
        guard r.raw(magic.count) == magic else { throw Problem.badMagic }
        guard let cipher = r.text(), let kdf = r.text(), r.string() != nil,
              let count = r.uint32() else { throw Problem.truncated }
        guard count == 1 else { throw Problem.keyCount(count) }
        guard let publicBlob = r.string() else { throw Problem.truncated }
        let publicKey: Ed25519PublicKey
        do {
            publicKey = try Ed25519PublicKey(wireBlob: publicBlob)
        } catch KeyBlobProblem.unsupportedType(let type) {
            throw Problem.unsupportedType(type)
        } catch {
            throw Problem.truncated
        }
        guard let secret = r.string() else { throw Problem.truncated }
        guard r.isAtEnd else { throw Problem.trailingData }

        if cipher != "none" { return .encrypted(publicKey, cipher: cipher) }
        guard kdf == "none" else { throw Problem.unsupportedKDF(cipher: cipher, kdf: kdf) }
        guard secret.count % blockSize == 0 else { throw Problem.badPadding }

        var s = SSHWireReader(secret)
        guard let check1 = s.uint32(), let check2 = s.uint32() else { throw Problem.truncated }
        guard check1 == check2 else { throw Problem.checkintMismatch }
        guard let type = s.text() else { throw Problem.truncated }
        guard type == Ed25519PublicKey.sshKeyType else { throw Problem.unsupportedType(type) }
        guard let pk = s.string(), let sk = s.string(), let comment = s.text() else { throw Problem.truncated }
        guard pk.count == 32, sk.count == 64 else { throw Problem.truncated }
        guard pk == publicKey.bytes else {
            throw Problem.publicKeyMismatch("the private section's public key differs from the file header's")
        }
        guard Array(sk[32...]) == pk else {
            throw Problem.publicKeyMismatch("the secret key's public half differs from the stored public key")
        }
        guard let key = Ed25519PrivateKey(seed: Array(sk[..<32])), key.publicKey == publicKey else {
            throw Problem.publicKeyMismatch("the seed does not produce the stored public key")
        }
        let padding = s.remaining
        guard padding.count < blockSize, padding.enumerated().allSatisfy({ $0.element == UInt8($0.offset + 1) }) else {
            throw Problem.badPadding
        }
        return .plain(key, comment: comment)
    }
}
