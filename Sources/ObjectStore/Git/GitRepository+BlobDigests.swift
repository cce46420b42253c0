import Foundation

extension GitRepository {
    /// Below this many bytes in all, `blobDigests` works on the calling thread with this handle:
    /// quicker than opening a repository per worker.
    static let parallelDigestThreshold = 16 << 20

    /// The SHA-256 of each blob's content, on `workers` threads, for a caller checking content it
    /// has just received (pull re-hashes every stored file a remote sends).
    ///
    /// A blob stored whole in one of this repository's packs is inflated straight from the pack.
    /// libgit2 would first copy it whole into memory and re-check its SHA-1, which the indexer
    /// computed from the same bytes when they arrived; that is about a third of the time. Blobs
    /// stored as deltas, and loose ones, are read through `streamBlob`. Each worker opens its own
    /// handle (libgit2 handles belong to one thread) and takes this handle's parsed pack indexes.
    ///
    /// - Throws: `GitBlobError.notABlob` when an id names something else.
    public func blobDigests(_ blobs: [GitOID], workers: Int = ProcessInfo.processInfo.activeProcessorCount) throws -> [GitOID: SHA256Digest] {
        try blobDigestsAndSizes(blobs, workers: workers).mapValues { $0.digest }
    }

    /// The same with each blob's size, which sharing the work out needs anyway: a caller that
    /// lists sizes (`Store.files(of:in:)`) need not look each one up again.
    public func blobDigestsAndSizes(_ blobs: [GitOID], workers: Int = ProcessInfo.processInfo.activeProcessorCount)
        throws -> [GitOID: (digest: SHA256Digest, size: Int)] {
        guard !blobs.isEmpty else { return [:] }
        // Each once (a catalog may file one blob under two names), largest first, dealt
        // round-robin, so the workers' shares come out even.
        let sized = try Set(blobs).map { ($0, try blobSize($0)) }.sorted { $0.1 > $1.1 }
        let count = max(1, min(workers, sized.count))
        // Listed once here, so a loose blob (a fresh import's) does not list the packs again.
        packIndexes.refresh()
        if count == 1 || sized.reduce(0, { $0 + $1.1 }) < Self.parallelDigestThreshold {
            return try Dictionary(uniqueKeysWithValues: sized.map { ($0.0, (try digest(of: $0.0), $0.1)) })
        }
        let indexes = packIndexes.indexes
        let digests = try concurrentMap(sized.map(\.0), workers: count) { repository in
            repository.packIndexes.adopt(indexes)
            return repository.digest(of:)
        }
        return Dictionary(uniqueKeysWithValues: zip(sized, digests).map { blob, digest in (blob.0, (digest, blob.1)) })
    }

    /// One blob's SHA-256, from its pack when it is stored whole there (see `blobDigests`).
    private func digest(of blob: GitOID) throws -> SHA256Digest {
        var hasher = SHA256Hasher()
        if let packed = packedWholeBlob(blob, listingAgainOnMiss: false) {
            try packed.inflate { hasher.update($0) }
        } else {
            try streamBlob(blob) { hasher.update($0) }
        }
        return hasher.finalize()
    }
}
