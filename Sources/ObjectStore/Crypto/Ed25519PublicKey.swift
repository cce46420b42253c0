import CSodium

/// An Ed25519 public key: what gait records as `key_id`, what OpenSSH writes in `.pub` files and
/// `allowed_signers`, and what an SSHSIG names as its signer.
public struct Ed25519PublicKey: Hashable, Sendable, CustomStringConvertible {
    /// The SSH name of the key type, in key blobs, public key lines and signatures.
    package static let sshKeyType = "ssh-ed25519"

    /// The 32 raw key bytes (RFC 8032).
    public let bytes: [UInt8]

    public init?(bytes: [UInt8]) {
        guard bytes.count == Int(crypto_sign_PUBLICKEYBYTES) else { return nil }
        self.bytes = bytes
    }

    /// True when `signature` is a valid 64-byte Ed25519 signature of `message` by this key.
    public func verify(signature: [UInt8], message: [UInt8]) -> Bool {
        guard signature.count == Int(crypto_sign_BYTES) else { return false }
        Sodium.ready()
        return message.withUnsafeBufferPointer { msg in
            crypto_sign_verify_detached(signature, msg.baseAddress, UInt64(msg.count), bytes) == 0
        }
    }

    /// gait's key id: lower-case hex SHA-256 of the 32 key bytes.
    public var keyID: String { SHA256Digest.of(bytes).hex }

    /// The SSH wire form (RFC 8709): `string "ssh-ed25519"`, `string key`; 51 bytes.
    package var wireBlob: [UInt8] {
        var w = SSHWireWriter()
        w.string(Self.sshKeyType)
        w.string(bytes)
        return w.bytes
    }

    /// Parses an SSH wire key blob; the type must be ssh-ed25519 and nothing may follow the key.
    /// Throws `KeyBlobProblem`.
    package init(wireBlob: [UInt8]) throws {
        var r = SSHWireReader(wireBlob)
        guard let type = r.text() else { throw KeyBlobProblem.malformed }
        guard type == Self.sshKeyType else { throw KeyBlobProblem.unsupportedType(type) }
        guard let raw = r.string(), r.isAtEnd, let key = Ed25519PublicKey(bytes: raw) else {
            throw KeyBlobProblem.malformed
        }
        self = key
    }

    /// `ssh-ed25519 AAAA...`, the key part of an OpenSSH public key line (no comment).
    public var openSSHLine: String { Self.sshKeyType + " " + Base64.encode(wireBlob) }

    /// `SHA256:<unpadded base64>` of the wire blob, exactly as `ssh-keygen -l` prints it.
    public var fingerprint: String { "SHA256:" + Base64.encodeUnpadded(SHA256Digest.of(wireBlob).bytes) }

    public var description: String { "ED25519 key \(fingerprint)" }
}

/// Why an SSH key blob could not be read as an Ed25519 key; callers add the file it came from.
package enum KeyBlobProblem: Error, Equatable {
    case unsupportedType(String)
    case malformed
}
