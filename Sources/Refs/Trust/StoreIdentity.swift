import Foundation
import ObjectStore

/// Who signs a store's commits: the key named at `init`, with its principal in `allowed_signers`.
///
/// An unencrypted OpenSSH or gait key signs in-process (libsodium); an encrypted OpenSSH key signs
/// through ssh-agent, which must hold it.
public struct StoreIdentity {
    public static let defaultKeyName = "gaitstore_ed25519"
    public static let keyPointerName = "signing_key"
    public static let allowedSignersName = "allowed_signers"

    public let principal: String
    public let publicKey: Ed25519PublicKey
    private let sign: ([UInt8]) throws -> String

    /// An armored SSHSIG (namespace `git`) over a commit payload.
    public func signCommit(_ payload: String) throws -> String { try sign(Array(payload.utf8)) }

    public static func keyPath(store: String) -> String {
        let pointer = (store as NSString).appendingPathComponent(keyPointerName)
        if let text = try? String(contentsOfFile: pointer, encoding: .utf8) {
            let path = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if !path.isEmpty { return path }
        }
        return (store as NSString).appendingPathComponent(defaultKeyName)
    }

    public static func allowedSignersPath(store: String) -> String {
        (store as NSString).appendingPathComponent(allowedSignersName)
    }

    /// Loads the store's signing identity. Fails clearly when the key is gone or not trusted.
    public static func load(store: String) throws -> StoreIdentity {
        let keyPath = keyPath(store: store)
        let signers = try AllowedSigners.load(allowedSignersPath(store: store))
        do {
            let key = try KeyFiles.loadPrivate(keyPath)
            let principal = try principal(for: key.publicKey, in: signers, keyPath: keyPath)
            return StoreIdentity(principal: principal, publicKey: key.publicKey) { message in
                SSHSignature.sign(message, namespace: "git", key: key)
            }
        } catch KeyFileError.encrypted {
            let publicKey = try KeyFiles.loadPublic(keyPath)
            guard let agent = SSHAgent() else {
                throw FormatError.invalid("\(keyPath) is encrypted and no ssh-agent is reachable (set SSH_AUTH_SOCK and ssh-add the key)")
            }
            let principal = try principal(for: publicKey, in: signers, keyPath: keyPath)
            return StoreIdentity(principal: principal, publicKey: publicKey) { message in
                try SSHSignature.sign(message, namespace: "git", agent: agent, publicKey: publicKey)
            }
        } catch let error as FormatError {
            throw error
        } catch {
            throw FormatError.invalid("load signing key \(keyPath): \(error)")
        }
    }

    private static func principal(for key: Ed25519PublicKey, in signers: AllowedSigners, keyPath: String) throws -> String {
        guard let principal = signers.principals(for: key, namespace: "git").first else {
            throw FormatError.invalid("signing key \(keyPath) is not in allowed_signers (gaitstore trust add PRINCIPAL \(keyPath).pub)")
        }
        return principal
    }

    /// The commit author and committer: the principal, at the current time.
    public func signature(now: Date = Date()) -> GitSignatureIdentity {
        GitSignatureIdentity(name: "gaitstore", email: principal, time: Int64(now.timeIntervalSince1970), offsetMinutes: 0)
    }
}

/// Creates stores: the bare repository, a signing key, and `allowed_signers` trusting it.
public enum StoreSetup {
    public struct Created {
        public var path: String
        public var keyPath: String
        public var principal: String
        public var publicKey: Ed25519PublicKey
        public var generatedKey: Bool
    }

    public static func initialize(at path: String, key existingKey: String?, principal: String) throws -> Created {
        let store = try Store.create(at: path)
        let allowedPath = StoreIdentity.allowedSignersPath(store: store.path)
        var generated = false
        let keyPath: String
        let publicKey: Ed25519PublicKey
        do {
            if let existingKey {
                keyPath = (existingKey as NSString).standardizingPath.hasPrefix("/") ? existingKey
                    : FileManager.default.currentDirectoryPath + "/" + existingKey
                publicKey = try KeyFiles.loadPublic(keyPath)
                try Data((keyPath + "\n").utf8).write(to: URL(fileURLWithPath: (store.path as NSString)
                    .appendingPathComponent(StoreIdentity.keyPointerName)))
            } else {
                keyPath = (store.path as NSString).appendingPathComponent(StoreIdentity.defaultKeyName)
                let key = Ed25519PrivateKey.generate()
                try KeyFiles.write(key, format: .openssh, to: keyPath, comment: principal)
                publicKey = key.publicKey
                generated = true
            }
            var signers = AllowedSigners()
            try signers.add(principal: principal, key: publicKey)
            try signers.write(to: allowedPath)
        } catch {
            try? FileManager.default.removeItem(atPath: store.path)
            if let own = error as? FormatError { throw own }
            throw FormatError.invalid("init \(path): \(error)")
        }
        return Created(path: store.path, keyPath: keyPath, principal: principal, publicKey: publicKey, generatedKey: generated)
    }
}
