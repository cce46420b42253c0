import CSodium

/// An Ed25519 signing key, held as its 32-byte seed (RFC 8032's private key).
///
/// `description` shows only the public fingerprint, so logging a key never prints the secret.
public struct Ed25519PrivateKey: Sendable, CustomStringConvertible {
    /// The 32-byte seed every other form of the key derives from.
    public let seed: [UInt8]
    public let publicKey: Ed25519PublicKey

    /// A new key from libsodium's secure random source.
    public static func generate() -> Ed25519PrivateKey {
        Ed25519PrivateKey(seed: Sodium.randomBytes(Int(crypto_sign_SEEDBYTES)))!
    }

    public init?(seed: [UInt8]) {
        guard seed.count == Int(crypto_sign_SEEDBYTES) else { return nil }
        Sodium.ready()
        var pk = [UInt8](repeating: 0, count: Int(crypto_sign_PUBLICKEYBYTES))
        var sk = [UInt8](repeating: 0, count: Int(crypto_sign_SECRETKEYBYTES))
        guard crypto_sign_seed_keypair(&pk, &sk, seed) == 0 else { return nil }
        self.seed = seed
        self.publicKey = Ed25519PublicKey(bytes: pk)!
    }

    /// The 64-byte form Go, libsodium and OpenSSH store: seed followed by the public key.
    package var expandedBytes: [UInt8] { seed + publicKey.bytes }

    /// A 64-byte detached signature (deterministic: the same key and message always give the same bytes).
    public func sign(_ message: [UInt8]) -> [UInt8] {
        Sodium.ready()
        var signature = [UInt8](repeating: 0, count: Int(crypto_sign_BYTES))
        let secret = expandedBytes
        message.withUnsafeBufferPointer { msg in
            _ = crypto_sign_detached(&signature, nil, msg.baseAddress, UInt64(msg.count), secret)
        }
        return signature
    }

    public var description: String { "Ed25519 private key for \(publicKey.fingerprint)" }
}
