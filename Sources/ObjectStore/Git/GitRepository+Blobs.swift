import CGit2

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a blob could not be written or read, beyond what libgit2 itself reports.
public enum GitBlobError: Error, CustomStringConvertible {
    case cannotOpenFile(String, errno: Int32)
    case cannotReadFile(String, errno: Int32)
    /// The file grew or shrank while it was being stored.
    case fileChangedWhileReading(String)
    /// The producer handed over a different number of bytes than it declared.
    case sizeMismatch(declared: Int, written: Int)
    case notABlob(GitOID)

    public var description: String {
        switch self {
        case let .cannotOpenFile(path, code): return "cannot open \(path): \(String(cString: strerror(code)))"
        case let .cannotReadFile(path, code): return "cannot read \(path): \(String(cString: strerror(code)))"
        case let .fileChangedWhileReading(path): return "\(path) changed while it was being stored"
        case let .sizeMismatch(declared, written):
            return "blob stream declared \(declared) bytes but \(written) were written"
        case let .notABlob(oid): return "object \(oid) is not a blob"
        }
    }
}

extension GitRepository {
    /// Chunk size for streaming reads and writes: large enough to amortise calls, small enough
    /// that memory stays flat whatever the blob size.
    static let streamChunkSize = 256 * 1024

    /// From this size up, `streamBlob` reads a blob stored whole in a pack from the pack itself.
    /// A smaller blob costs no more memory read whole than a chunk does, and libgit2, whose pack
    /// index is open already, read the small ones quicker (`ls` of a gc'd 200-pack store reads 200
    /// metadata blobs: 14.2 ms through libgit2, 17.1 ms from our index, best of 30 runs each,
    /// measured while our index was still parsed whole on first use).
    static let packStreamMinimumSize = streamChunkSize

    /// Stores `bytes` as a blob (a no-op when the object already exists) and returns its id.
    public func writeBlob(_ bytes: [UInt8]) throws -> GitOID {
        var oid = git_oid()
        try bytes.withUnsafeBytes { buffer in
            try gitCheck(git_blob_create_from_buffer(&oid, handle, buffer.baseAddress, buffer.count),
                         "write blob of \(bytes.count) bytes")
        }
        return GitOID(oid)
    }

    /// Stores `bytes` as a loose blob without libgit2 (see `GitLooseObjectWriter`): for the small
    /// blobs written on every job event.
    public func writeLooseBlob(_ bytes: [UInt8]) throws -> GitOID {
        try looseWriter().write(.blob, bytes)
    }

    /// Stores a blob of exactly `size` bytes that `produce` hands over in pieces, in bounded memory.
    ///
    /// git hashes the object header (`blob <size>`) first, so the size must be known up front;
    /// a producer that delivers more or fewer bytes fails with `GitBlobError.sizeMismatch` and
    /// nothing is stored.
    public func writeBlob(size: Int, from produce: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws -> GitOID {
        var stream: UnsafeMutablePointer<git_odb_stream>?
        try gitCheck(git_odb_open_wstream(&stream, try odb(), git_object_size_t(size), GIT_OBJECT_BLOB),
                     "open blob stream of \(size) bytes")
        defer { git_odb_stream_free(stream) }
        var written = 0
        try produce { chunk in
            guard chunk.count > 0 else { return }
            written += chunk.count
            guard written <= size else { throw GitBlobError.sizeMismatch(declared: size, written: written) }
            try gitCheck(git_odb_stream_write(stream, chunk.baseAddress!.assumingMemoryBound(to: CChar.self), chunk.count),
                         "write blob stream")
        }
        guard written == size else { throw GitBlobError.sizeMismatch(declared: size, written: written) }
        var oid = git_oid()
        try gitCheck(git_odb_stream_finalize_write(&oid, stream), "finish blob of \(size) bytes")
        return GitOID(oid)
    }

    /// Stores the file at `path` as a blob, streaming it, byte for byte.
    ///
    /// Written through the object database directly rather than `git_blob_create_from_disk`,
    /// which would apply attribute and `core.autocrlf` filters and so could change content.
    public func writeBlob(fromFile path: String) throws -> GitOID {
        let fd = systemOpen(path, O_RDONLY)
        guard fd >= 0 else { throw GitBlobError.cannotOpenFile(path, errno: errno) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw GitBlobError.cannotReadFile(path, errno: errno) }
        let size = Int(info.st_size)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.streamChunkSize, alignment: 1)
        defer { buffer.deallocate() }
        do {
            return try writeBlob(size: size) { write in
                while true {
                    let n = read(fd, buffer.baseAddress, buffer.count)
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw GitBlobError.cannotReadFile(path, errno: errno)
                    }
                    if n == 0 { return }
                    try write(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
                }
            }
        } catch GitBlobError.sizeMismatch {
            throw GitBlobError.fileChangedWhileReading(path)
        }
    }

    /// True when the object database holds `oid` (of any type).
    public func contains(_ oid: GitOID) -> Bool {
        guard let odb = try? odb() else { return false }
        return oid.withRaw { git_odb_exists(odb, $0) } == 1
    }

    /// The whole content of a blob.
    public func readBlob(_ oid: GitOID) throws -> [UInt8] {
        var bytes = [UInt8]()
        bytes.reserveCapacity(try blobSize(oid))
        try streamBlob(oid) { bytes.append(contentsOf: $0) }
        return bytes
    }

    /// Hands a blob's content to `body` in chunks, in order. A packed blob is checked against its
    /// id (git's SHA-1 of the object) on every read, whichever way it is read.
    ///
    /// Loose objects, and blobs stored whole in a pack, are inflated chunk by chunk, so memory
    /// stays bounded whatever their size (libgit2 maps a loose object's file whole, though: those
    /// pages count in the resident size, but belong to the page cache, not the heap). A blob
    /// stored as a delta is rebuilt whole by libgit2, then handed over in chunks; gc keeps blobs
    /// above the store's big-file threshold whole (`Store.bigFileThreshold`), so that costs at
    /// most about that much.
    public func streamBlob(_ oid: GitOID, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        let odb = try odb()
        var stream: UnsafeMutablePointer<git_odb_stream>?
        var length = 0
        var type = GIT_OBJECT_INVALID
        if oid.withRaw({ git_odb_open_rstream(&stream, &length, &type, odb, $0) }) == 0 {
            defer { git_odb_stream_free(stream) }
            guard type == GIT_OBJECT_BLOB else { throw GitBlobError.notABlob(oid) }
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.streamChunkSize, alignment: 1)
            defer { buffer.deallocate() }
            var delivered = 0
            while true {
                let n = git_odb_stream_read(stream, buffer.baseAddress!.assumingMemoryBound(to: CChar.self), buffer.count)
                try gitCheck(n, "read blob \(oid)")
                if n == 0 { break }
                delivered += Int(n)
                try body(UnsafeRawBufferPointer(rebasing: buffer[0..<Int(n)]))
            }
            guard delivered == length else {
                throw GitError(code: -1, klass: 0, message: "object is truncated (\(delivered) of \(length) bytes)",
                               operation: "read blob \(oid)")
            }
            return
        }
        if try blobSize(oid) >= Self.packStreamMinimumSize, let packed = packedWholeBlob(oid) {
            return try streamPackedBlob(packed, body)
        }
        var object: OpaquePointer?
        try oid.withRaw { try gitCheck(git_odb_read(&object, odb, $0), "read blob \(oid)") }
        defer { git_odb_object_free(object) }
        guard git_odb_object_type(object) == GIT_OBJECT_BLOB else { throw GitBlobError.notABlob(oid) }
        let all = UnsafeRawBufferPointer(start: git_odb_object_data(object), count: git_odb_object_size(object))
        var offset = 0
        while offset < all.count {
            let end = min(offset + Self.streamChunkSize, all.count)
            try body(UnsafeRawBufferPointer(rebasing: all[offset..<end]))
            offset = end
        }
    }

    /// A blob's size in bytes, read from the object header without inflating the content.
    public func blobSize(_ oid: GitOID) throws -> Int {
        var length = 0
        var type = GIT_OBJECT_INVALID
        try oid.withRaw { try gitCheck(git_odb_read_header(&length, &type, try odb(), $0), "read blob \(oid)") }
        guard type == GIT_OBJECT_BLOB else { throw GitBlobError.notABlob(oid) }
        return length
    }
}

/// `open(2)`, named apart from `GitRepository.open(at:)`.
private func systemOpen(_ path: String, _ flags: Int32) -> Int32 {
    open(path, flags)
}
