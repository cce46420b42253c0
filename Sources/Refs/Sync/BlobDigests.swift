import Dispatch
import Foundation
import ObjectStore

/// SHA-256s of many stored blobs, computed on every core. Pull re-hashes every stored file a
/// remote sends (a whole store on a first pull), which is most of its time; libgit2 handles belong
/// to one thread, so each worker opens its own, as import does.
enum BlobDigests {
    static func compute(_ blobs: [GitOID], repositoryPath: String,
                        workers: Int = ProcessInfo.processInfo.activeProcessorCount) throws -> [GitOID: SHA256Digest] {
        guard !blobs.isEmpty else { return [:] }
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
                            var hasher = SHA256Hasher()
                            try repository.streamBlob(blobs[index]) { hasher.update($0) }
                            mine[blobs[index]] = hasher.finalize()
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
