extension Store {
    public struct StoredFile: Sendable {
        public var path: String
        public var sha256: String
        public var size: Int
    }

    /// A stored pack's files with their SHA-256 (looked up in the digest index, not re-hashed).
    public func files(of id: String, in tree: GitOID?) throws -> [StoredFile] {
        guard let packTree = try packTree(id, in: tree) else { throw FormatError.invalid("unknown pack id \(id)") }
        var byOID: [GitOID: String] = [:]
        if let tree, let digests = try repository.treeEntry(tree, path: "digests"), digests.mode == .tree {
            let files = try repository.walkTree(packTree)
            let wanted = Set(files.map(\.entry.oid))
            for (path, entry) in try repository.walkTree(digests.oid) where wanted.contains(entry.oid) {
                byOID[entry.oid] = path.replacingOccurrences(of: "/", with: "")
            }
        }
        return try repository.walkTree(packTree).map { path, entry in
            StoredFile(path: path, sha256: byOID[entry.oid] ?? "", size: try repository.blobSize(entry.oid))
        }
    }

    /// Streams a stored file by its SHA-256, re-hashing as it goes. A mismatch is a verification
    /// failure (the bytes already written are the stored ones; the exit code says they are wrong).
    public func cat(_ digest: SHA256Digest, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard let oid = try blob(for: digest, in: try catalogTree()) else {
            throw FormatError.invalid("\(digest.prefixed) is not in the store")
        }
        var hasher = SHA256Hasher()
        try repository.streamBlob(oid) { chunk in
            hasher.update(chunk)
            try body(chunk)
        }
        let actual = hasher.finalize()
        if actual != digest {
            throw FormatError.verification("\(digest.prefixed): stored object \(oid.hex) hashes to \(actual.prefixed); the store is damaged (run gaitstore fsck)")
        }
    }
}
