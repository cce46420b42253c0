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
    /// stored as deltas, and loose ones, are read through libgit2. Each worker opens its own
    /// handle (libgit2 handles belong to one thread).
    ///
    /// - Throws: `GitBlobError.notABlob` when an id names something else.
    public func blobDigests(_ blobs: [GitOID], workers: Int = ProcessInfo.processInfo.activeProcessorCount) throws -> [GitOID: SHA256Digest] {
        guard !blobs.isEmpty else { return [:] }
        let packs = GitPackIndex.packs(inRepository: path).compactMap { try? GitPackIndex(packPath: $0) }
        // Largest first, dealt round-robin, so the workers' shares come out even.
        let sized = try blobs.map { ($0, try blobSize($0)) }.sorted { $0.1 > $1.1 }
        let count = max(1, min(workers, sized.count))
        if count == 1 || sized.reduce(0, { $0 + $1.1 }) < Self.parallelDigestThreshold {
            let hasher = BlobHasher(repository: self, packs: packs)
            return try Dictionary(uniqueKeysWithValues: sized.map { ($0.0, try hasher.digest(of: $0.0)) })
        }
        let digests = try concurrentMap(sized.map(\.0), workers: count) { repository in
            BlobHasher(repository: repository, packs: packs).digest(of:)
        }
        return Dictionary(zip(sized.map(\.0), digests), uniquingKeysWith: { first, _ in first })
    }
}

/// One thread's blob hashing: its repository handle and its own readers of the packs.
private final class BlobHasher {
    private let repository: GitRepository
    private let packs: [GitPackIndex]
    private var readers = [Int: GitPackReader]()

    init(repository: GitRepository, packs: [GitPackIndex]) {
        self.repository = repository
        self.packs = packs
    }

    func digest(of blob: GitOID) throws -> SHA256Digest {
        var hasher = SHA256Hasher()
        if let pack = packs.firstIndex(where: { $0.position(of: blob) != nil }) {
            let index = packs[pack], position = index.position(of: blob)!
            let reader = try readers[pack] ?? GitPackReader(index: index)
            readers[pack] = reader
            let entry = try reader.entryHeader(at: index.offsets[position])
            if case .whole = entry.kind, entry.type == GitPackEntryHeader.blobType {
                var inflated: UInt64 = 0
                try reader.inflate(from: entry.dataOffset, to: index.ends[position]) { chunk in
                    inflated += UInt64(chunk.count)
                    hasher.update(chunk)
                }
                guard inflated == entry.size else {
                    throw GitPackError.malformedEntry(index.packPath, offset: index.offsets[position],
                                                      reason: "inflates to \(inflated) bytes, not \(entry.size)")
                }
                return hasher.finalize()
            }
        }
        try repository.streamBlob(blob) { hasher.update($0) }
        return hasher.finalize()
    }
}
