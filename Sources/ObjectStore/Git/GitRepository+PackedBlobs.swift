import CGit2
import Crypto

/// A blob stored whole (not as a delta) in one of the repository's packs. Its zlib stream can be
/// inflated straight from the pack file a bounded piece at a time, which libgit2 1.5 cannot do:
/// it streams loose objects only and reads a packed one whole into memory.
struct GitPackedBlob {
    let oid: GitOID
    /// The content's size, as the entry's header declares it.
    let size: UInt64
    let packPath: String
    /// Where the entry (its header) starts, and where its zlib stream lies: `[dataOffset, end)`.
    let entryOffset: UInt64
    let dataOffset: UInt64
    let end: UInt64
    let reader: GitPackReader

    /// Inflates the content, checking that it comes to the size the header declares.
    ///
    /// Damage (zlib's error, a wrong size) comes out as a `GitError` that `isDamagedObject`
    /// recognises, like libgit2's own; an unreadable pack file as an OS error. What `body` throws
    /// comes out unchanged.
    func inflate(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        var inflated: UInt64 = 0
        var bodyFailed = false
        do {
            try reader.inflate(from: dataOffset, to: end) { chunk in
                inflated += UInt64(chunk.count)
                guard inflated <= size else { throw sizeMismatch(inflated: inflated) }
                do { try body(chunk) } catch {
                    bodyFailed = true
                    throw error
                }
            }
            guard inflated == size else { throw sizeMismatch(inflated: inflated) }
        } catch let error as GitPackError where !bodyFailed {
            let klass: git_error_t
            if case .unreadable = error { klass = GIT_ERROR_OS } else { klass = GIT_ERROR_ZLIB }
            throw GitError(code: GIT_ERROR.rawValue, klass: Int32(klass.rawValue), message: error.description,
                           operation: "read blob \(oid)")
        }
    }

    private func sizeMismatch(inflated: UInt64) -> GitPackError {
        .malformedEntry(packPath, offset: entryOffset, reason: "inflates to \(inflated) bytes or more, not \(size)")
    }
}

extension GitRepository {
    /// Where `oid` is stored whole as a blob in one of this repository's packs; nil when it is
    /// loose, stored as a delta, not a blob, or its pack cannot be read here (libgit2 then reads
    /// it, and reports what is wrong). `listingAgainOnMiss` as `GitPackIndexCache.locate`'s.
    func packedWholeBlob(_ oid: GitOID, listingAgainOnMiss: Bool = true) -> GitPackedBlob? {
        guard let (index, position) = packIndexes.locate(oid, listingAgainOnMiss: listingAgainOnMiss),
              let reader = try? packIndexes.reader(for: index),
              let entry = try? reader.entryHeader(at: index.offset(at: position)),
              case .whole = entry.kind, entry.type == GitPackEntryHeader.blobType,
              let end = try? index.end(at: position) else { return nil }
        return GitPackedBlob(oid: oid, size: entry.size, packPath: index.packPath, entryOffset: index.offset(at: position),
                             dataOffset: entry.dataOffset, end: end, reader: reader)
    }

    /// Streams a packed whole blob with the check libgit2 makes on every read: git's SHA-1 of
    /// `blob <size>\0` and the content must be the object's id. Errors as `GitPackedBlob.inflate`'s;
    /// as with a streamed loose object, the check ends when the content does: `body` has seen the
    /// bytes by the time a mismatch is known.
    func streamPackedBlob(_ blob: GitPackedBlob, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        var hasher = GitObjectHasher(type: "blob", size: Int(blob.size))
        try blob.inflate { chunk in
            hasher.update(chunk)
            try body(chunk)
        }
        let actual = hasher.finalize()
        guard actual == blob.oid else {
            throw GitError(code: GIT_ERROR.rawValue, klass: Int32(GIT_ERROR_ODB.rawValue),
                           message: "object hash mismatch: its content in \(blob.packPath) hashes to \(actual)",
                           operation: "read blob \(blob.oid)")
        }
    }
}
