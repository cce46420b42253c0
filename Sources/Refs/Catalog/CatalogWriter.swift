import Foundation
import ObjectStore

#if canImport(Glibc)
import Glibc
#endif

/// Moves `refs/gaitstore/catalog` forward by one signed commit, by compare-and-swap.
///
/// The catalog is a grow-only set of content-addressed paths, so losing a race is never a conflict:
/// the same upserts are applied to the winner's tree and the swap is tried again (DESIGN.md §2).
public enum CatalogWriter {
    public static let maxAttempts = 32

    /// Commits `upserts` onto the current catalog. Returns the new tip, or the old one when the
    /// upserts change nothing.
    @discardableResult
    public static func commit(_ upserts: TreeUpserts, message: String, store: Store, identity: StoreIdentity) throws -> GitOID? {
        let repository = store.repository
        for attempt in 0..<maxAttempts {
            let tip = try store.catalogTip()
            let base = try tip.map { try repository.commitTree($0) }
            let tree = try repository.applying(upserts, to: base)
            if tree == base { return tip }
            let commit = try repository.createCommit(tree: tree, parents: tip.map { [$0] } ?? [], message: message,
                                                     author: identity.signature(), sign: identity.signCommit)
            // The import's blobs and this attempt's trees and commit reach the disk before the ref
            // names them, and the ref before the command reports success.
            try Durability.syncFileSystem(containing: store.path)
            do {
                try repository.updateReference(CatalogLayout.reference, to: commit, expected: tip, message: message)
                try Durability.syncFileSystem(containing: store.path)
                return commit
            } catch let error as GitRefUpdateError {
                switch error {
                case .conflict, .locked:
                    // Someone else moved the catalog; back off a little, then retry on their tip.
                    usleep(UInt32.random(in: 1_000...5_000) * UInt32(min(attempt + 1, 8)))
                    continue
                case .invalidName:
                    throw FormatError(.internalFailure, "\(error)")
                }
            }
        }
        throw FormatError(.internalFailure, "catalog update lost the race \(maxAttempts) times; nothing was committed, try again")
    }
}

/// glibc declares `syncfs` only under `_GNU_SOURCE`, which Swift's Glibc module does not set.
@_silgen_name("syncfs") private func c_syncfs(_ fd: Int32) -> Int32

/// Durability without an fsync per object: one `syncfs` after the objects, one after the ref.
enum Durability {
    static func syncFileSystem(containing path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw FormatError(.internalFailure, "open \(path) to sync: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        if c_syncfs(fd) != 0 { throw FormatError(.internalFailure, "sync \(path): \(String(cString: strerror(errno)))") }
    }
}

/// Checks commit signatures against `allowed_signers`, as `git verify-commit` does.
public struct CommitVerifier {
    public let signers: AllowedSigners

    public init(store: String) throws {
        signers = try AllowedSigners.load(StoreIdentity.allowedSignersPath(store: store))
    }

    public enum Verdict: Equatable {
        case good(principal: String)
        case unsigned
        case untrusted(fingerprint: String)
        case bad(reason: String)

        public var isGood: Bool { if case .good = self { return true } else { return false } }

        public var text: String {
            switch self {
            case .good(let principal): return "good signature by \(principal)"
            case .unsigned: return "not signed"
            case .untrusted(let fingerprint): return "signed by an untrusted key \(fingerprint)"
            case .bad(let reason): return "bad signature: \(reason)"
            }
        }
    }

    public func verify(_ commit: GitOID, in repository: GitRepository) throws -> Verdict {
        guard let (signature, payload) = try repository.extractSignature(commit) else { return .unsigned }
        let key: Ed25519PublicKey
        do {
            key = try SSHSignature.verify(armored: signature, message: payload, namespace: "git")
        } catch {
            return .bad(reason: "\(error)")
        }
        let when = Date(timeIntervalSince1970: TimeInterval(try repository.readCommit(commit).committer.time))
        guard let principal = signers.principals(for: key, namespace: "git", at: when).first else {
            return .untrusted(fingerprint: key.fingerprint)
        }
        return .good(principal: principal)
    }
}
