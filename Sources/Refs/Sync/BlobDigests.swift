import Dispatch
import Foundation
import ObjectStore

/// SHA-256s of many stored blobs, computed on every core. Pull re-hashes every stored file a
/// remote sends (a whole store on a first pull), which is most of its time; libgit2 handles belong
/// to one thread, so each worker opens its own, as import does.
enum BlobDigests {
    /// Below this many bytes one thread (the caller's, on its own handle) is quicker than
    /// opening a repository per worker.
    static let parallelThreshold = 16 << 20

    static func compute(_ blobs: [GitOID], in repository: GitRepository,
                        workers: Int = ProcessInfo.processInfo.activeProcessorCount) throws -> [GitOID: SHA256Digest] {
        guard !blobs.isEmpty else { return [:] }
        let sized = try blobs.map { ($0, try repository.blobSize($0)) }.sorted { $0.1 > $1.1 }
        if workers <= 1 || sized.reduce(0, { $0 + $1.1 }) < parallelThreshold {
            return try Dictionary(uniqueKeysWithValues: sized.map { ($0.0, try digest(of: $0.0, in: repository)) })
        }
        // Largest first, dealt round-robin, so the workers' shares come out even.
        return try compute(sized.map(\.0), repositoryPath: repository.path, workers: workers)
    }

    private static func digest(of blob: GitOID, in repository: GitRepository) throws -> SHA256Digest {
        var hasher = SHA256Hasher()
        try repository.streamBlob(blob) { hasher.update($0) }
        return hasher.finalize()
    }

    private static func compute(_ blobs: [GitOID], repositoryPath: String, workers: Int) throws -> [GitOID: SHA256Digest] {
        let count = max(1, min(workers, blobs.count))
        var results = [[GitOID: SHA256Digest]](repeating: [:], count: count)
        var failures = [Error?](repeating: nil, count: count)
        results.withUnsafeMutableBufferPointer { out in
            failures.withUnsafeMutableBufferPointer { errs in
                let outBase = out.baseAddress!, errBase = errs.baseAddress!
                DispatchQueue.concurrentPerform(iterations: count) { worker in
                    do {
                        let repository = try GitRepository.open(at: repositoryPath)
                        var mine: [GitOID: SHA256Digest] = [:]
                        for index in stride(from: worker, to: blobs.count, by: count) {
                            mine[blobs[index]] = try digest(of: blobs[index], in: repository)
                        }
                        outBase[worker] = mine
                    } catch {
                        errBase[worker] = error
                    }
                }
            }
        }
        if let failure = failures.compactMap({ $0 }).first { throw failure }
        return results.reduce(into: [:]) { $0.merge($1) { first, _ in first } }
    }
}
