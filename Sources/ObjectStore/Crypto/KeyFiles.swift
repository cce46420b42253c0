import Foundation

/// Reading and writing Ed25519 key files in gait's format and OpenSSH's.
///
/// Loading detects the format from the text, so users can hand gaitstore either kind of file.
public enum KeyFiles {
    /// Key files are tiny; anything larger than this is the wrong file.
    private static let sizeLimit = 64 * 1024

    /// Writes the private key (mode 0600, atomically) and its public key beside it.
    ///
    /// gait: `<prefix>_private.key` gets `<prefix>_public.key` (as `gait keys init` names them),
    /// any other name gets `<path>.pub`; `comment` is dropped because gait's format has no room for it.
    /// OpenSSH: `<path>` and `<path>.pub`, as `ssh-keygen -f path -C comment` writes them.
    public static func write(_ key: Ed25519PrivateKey, format: KeyFileFormat, to path: String, comment: String) throws {
        let privateText: String
        let publicText: String
        let publicMode: mode_t
        switch format {
        case .gait:
            privateText = Base64.encode(key.expandedBytes) + "\n"
            publicText = Base64.encode(key.publicKey.bytes) + "\n"
            publicMode = 0o600
        case .openssh:
            guard !comment.contains(where: \.isNewline) else {
                throw KeyFileError.writeFailed(path: path, reason: "the comment must be a single line")
            }
            let checkint = Sodium.randomUInt32()
            privateText = OpenSSHPrivateKeyCodec.encode(key, comment: comment, checkint: checkint)
            publicText = key.publicKey.openSSHLine + (comment.isEmpty ? "" : " " + comment) + "\n"
            publicMode = 0o644
        }
        try writeFile(Array(privateText.utf8), to: path, mode: 0o600)
        try writeFile(Array(publicText.utf8), to: publicKeyPath(forPrivateKeyAt: path, format: format), mode: publicMode)
    }

    /// Where `write` puts the public half of a private key written to `path`.
    public static func publicKeyPath(forPrivateKeyAt path: String, format: KeyFileFormat) -> String {
        let gaitSuffix = "_private.key"
        if format == .gait, path.hasSuffix(gaitSuffix) {
            return String(path.dropLast(gaitSuffix.count)) + "_public.key"
        }
        return path + ".pub"
    }

    /// Loads a private key: gait base64 (seed ‖ public key) or an unencrypted OpenSSH key.
    /// A passphrase-protected OpenSSH key throws `KeyFileError.encrypted(path)`.
    public static func loadPrivate(_ path: String) throws -> Ed25519PrivateKey {
        let text = try readText(path)
        if OpenSSHPrivateKeyCodec.looksLikeOpenSSH(text) {
            switch try decodeOpenSSH(text, path: path) {
            case .plain(let key, _): return key
            case .encrypted: throw KeyFileError.encrypted(path)
            }
        }
        try rejectOtherArmor(text, path: path)
        if looksLikePublicLine(text) {
            throw KeyFileError.notPrivate(path)
        }
        guard let raw = Base64.decode(text) else { throw KeyFileError.notBase64(path: path) }
        return try gaitPrivateKey(raw, path: path)
    }

    /// Loads a public key from any key file gaitstore understands: gait public or private base64,
    /// an OpenSSH public key line, or an OpenSSH private key (encrypted ones too: their public
    /// key is stored in the clear).
    public static func loadPublic(_ path: String) throws -> Ed25519PublicKey {
        let text = try readText(path)
        if OpenSSHPrivateKeyCodec.looksLikeOpenSSH(text) {
            switch try decodeOpenSSH(text, path: path) {
            case .plain(let key, _): return key.publicKey
            case .encrypted(let key, _): return key
            }
        }
        try rejectOtherArmor(text, path: path)
        if looksLikePublicLine(text) {
            return try parsePublicLine(text, source: path).key
        }
        guard let raw = Base64.decode(text) else { throw KeyFileError.notBase64(path: path) }
        switch raw.count {
        case 32: return Ed25519PublicKey(bytes: raw)!
        case 64: return try gaitPrivateKey(raw, path: path).publicKey
        default: throw KeyFileError.invalidPublicKeyLength(path: path, length: raw.count)
        }
    }

    /// Parses `ssh-ed25519 AAAA... [comment]`, the line of a `.pub` file or of `ssh-add -L`.
    public static func parseOpenSSHPublic(_ line: String) throws -> (key: Ed25519PublicKey, comment: String) {
        try parsePublicLine(line, source: "OpenSSH public key line")
    }

    // MARK: - Formats

    private static func gaitPrivateKey(_ raw: [UInt8], path: String) throws -> Ed25519PrivateKey {
        guard raw.count == 64 else { throw KeyFileError.invalidPrivateKeyLength(path: path, length: raw.count) }
        let key = Ed25519PrivateKey(seed: Array(raw[..<32]))!
        // Go signs with the stored half, so a mismatch would give signatures that never verify.
        guard key.publicKey.bytes == Array(raw[32...]) else {
            throw KeyFileError.malformed(path: path, reason: "the stored public key does not match the seed")
        }
        return key
    }

    private static func decodeOpenSSH(_ text: String, path: String) throws -> OpenSSHPrivateKeyCodec.Contents {
        do {
            return try OpenSSHPrivateKeyCodec.decode(text)
        } catch let problem as OpenSSHPrivateKeyCodec.Problem {
            switch problem {
            case .unsupportedType(let type):
                throw KeyFileError.unsupportedKeyType(path: path, type: type)
            case .notArmored:
                throw KeyFileError.malformed(path: path, reason: "missing \(OpenSSHPrivateKeyCodec.endLine)")
            case .notBase64:
                throw KeyFileError.malformed(path: path, reason: "the body is not valid base64")
            case .badMagic:
                throw KeyFileError.malformed(path: path, reason: "not an openssh-key-v1 key")
            case .truncated:
                throw KeyFileError.malformed(path: path, reason: "truncated or corrupt key data")
            case .keyCount(let n):
                throw KeyFileError.malformed(path: path, reason: "holds \(n) keys; expected exactly 1")
            case .unsupportedKDF(let cipher, let kdf):
                throw KeyFileError.malformed(path: path, reason: "cipher \(cipher) with key derivation \(kdf)")
            case .checkintMismatch:
                throw KeyFileError.malformed(path: path, reason: "check integers differ (corrupt private section)")
            case .publicKeyMismatch(let reason):
                throw KeyFileError.malformed(path: path, reason: reason)
            case .badPadding:
                throw KeyFileError.malformed(path: path, reason: "bad padding in the private section")
            case .trailingData:
                throw KeyFileError.malformed(path: path, reason: "unexpected data after the private section")
            }
        }
    }

    /// PEM files of other kinds (`-----BEGIN RSA PRIVATE KEY-----`, PKCS#8, ...) get a clear message.
    private static func rejectOtherArmor(_ text: String, path: String) throws {
        guard text.hasPrefix("-----BEGIN") else { return }
        let header = text.prefix(while: { !$0.isNewline })
        throw KeyFileError.unsupportedFormat(path: path, header: String(header))
    }

    /// OpenSSH public key lines start with the key type; base64 key text never contains a space.
    private static func looksLikePublicLine(_ text: String) -> Bool {
        text.contains(" ") || text.contains("\t")
    }

    private static func parsePublicLine(_ text: String, source: String) throws -> (key: Ed25519PublicKey, comment: String) {
        let line = KeyText.trimmed(text)
        guard !line.contains(where: \.isNewline) else {
            throw KeyFileError.malformed(path: source, reason: "a public key must be a single line")
        }
        let fields = line.split(maxSplits: 2, whereSeparator: { $0 == " " || $0 == "\t" })
        guard fields.count >= 2 else {
            throw KeyFileError.malformed(path: source, reason: "expected \"ssh-ed25519 <base64> [comment]\"")
        }
        let type = String(fields[0])
        guard type == Ed25519PublicKey.sshKeyType else { throw KeyFileError.unsupportedKeyType(path: source, type: type) }
        guard let blob = Base64.decode(fields[1]) else {
            throw KeyFileError.malformed(path: source, reason: "the key is not valid base64")
        }
        let key: Ed25519PublicKey
        do {
            key = try Ed25519PublicKey(wireBlob: blob)
        } catch KeyBlobProblem.unsupportedType(let inner) {
            throw KeyFileError.malformed(path: source, reason: "the line says \(type) but the key is \(inner)")
        } catch {
            throw KeyFileError.malformed(path: source, reason: "the key blob is not a valid ssh-ed25519 key")
        }
        let comment = fields.count > 2 ? KeyText.trimmed(fields[2]) : ""
        return (key, comment)
    }

    // MARK: - Files

    private static func readText(_ path: String) throws -> String {
        let bytes: [UInt8]
        do {
            bytes = try SmallFile.read(path, limit: sizeLimit)
        } catch let failure as SmallFile.Failure {
            throw KeyFileError.unreadable(path: path, reason: failure.description)
        }
        let text = String(decoding: bytes, as: UTF8.self)
        guard Array(text.utf8) == bytes else { throw KeyFileError.notBase64(path: path) }
        return KeyText.trimmed(text)
    }

    private static func writeFile(_ bytes: [UInt8], to path: String, mode: mode_t) throws {
        do {
            try SmallFile.writeAtomically(bytes, to: path, mode: mode)
        } catch let failure as SmallFile.Failure {
            throw KeyFileError.writeFailed(path: path, reason: failure.description)
        }
    }
}
