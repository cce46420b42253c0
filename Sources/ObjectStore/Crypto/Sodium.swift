import CSodium

/// libsodium must be initialised once before use; a Swift global's lazy initialiser runs exactly once
/// even when several threads race to it, so every entry point just touches `Sodium.ready`.
package enum Sodium {
    private static let initialised: Bool = sodium_init() >= 0

    /// Initialises libsodium on first use. `sodium_init` fails only when the system has no usable
    /// random source, which leaves nothing sensible to do but stop.
    package static func ready() {
        precondition(initialised, "libsodium could not be initialised (no random source?)")
    }

    /// Cryptographically secure random bytes.
    package static func randomBytes(_ count: Int) -> [UInt8] {
        ready()
        var out = [UInt8](repeating: 0, count: count)
        out.withUnsafeMutableBytes { randombytes_buf($0.baseAddress!, count) }
        return out
    }

    /// A random 32-bit value, for nonces such as OpenSSH's check integers.
    package static func randomUInt32() -> UInt32 {
        ready()
        return randombytes_random()
    }

    /// SHA-512, the hash SSHSIG applies to a message before signing it.
    package static func sha512(_ message: [UInt8]) -> [UInt8] {
        ready()
        var out = [UInt8](repeating: 0, count: Int(crypto_hash_sha512_BYTES))
        message.withUnsafeBufferPointer { input in
            _ = crypto_hash_sha512(&out, input.baseAddress, UInt64(input.count))
        }
        return out
    }

    /// Compares secrets in constant time, so a mismatch does not leak where it happened.
    package static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        if a.isEmpty { return true }
        return sodium_memcmp(a, b, a.count) == 0
    }
}
