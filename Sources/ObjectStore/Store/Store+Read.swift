extension Store {
    public struct StoredFile: Sendable {
        public var path: String
        public var sha256: String
        public var size: Int
    }

    /// A stored pack's files with their SHA-256, re-hashed from the stored bytes and checked
    /// against the digest index. Costs the pack's size, not the store's: mapping blobs back to
    /// digests through the index would mean walking every file the store holds.
    public func files(of id: String, in tree: GitOID?) throws -> [StoredFile] {
        guard let packTree = try packTree(id, in: tree) else { throw FormatError.invalid("unknown pack id \(id)") }
        let entries = try repository.walkTree(packTree)
        let hashed = try repository.blobDigestsAndSizes(entries.map(\.entry.oid))
        return try entries.map { path, entry in
            let (digest, size) = hashed[entry.oid]!
            guard try blob(for: digest, in: tree) == entry.oid else {
                throw FormatError.verification("\(path) of pack \(id) (object \(entry.oid.hex)) no longer matches its SHA-256; run gaitstore fsck")
            }
            return StoredFile(path: path, sha256: digest.hex, size: size)
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
