import CZlib
import Crypto

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a loose object could not be written.
public enum GitLooseObjectError: Error, CustomStringConvertible {
    case zlib(code: Int32)
    case file(operation: String, path: String, errno: Int32)

    public var description: String {
        switch self {
        case let .zlib(code): return "compress loose object: zlib error \(code)"
        case let .file(operation, path, code): return "\(operation) \(path): \(String(cString: strerror(code)))"
        }
    }
}

/// Writes small objects as loose files, byte for byte in git's format (`objects/ab/cdef…`: the
/// zlib stream of `<type> <size>\0<body>`), for job appends: three or four objects of a few
/// hundred bytes per event, where libgit2's writer spends more than the writing itself.
///
/// Why not `git_odb_write`: per object it asks every backend whether the object exists (reading
/// a loose header, searching the packs), creates the fan-out directory whether it exists or not,
/// sets up a fresh zlib stream (256 KB allocated, its hash table cleared) and finishes with
/// link+unlink. Here one zlib stream is reset per object, existence is one `stat` of the loose
/// path, and the file is renamed into place. An object also held in a pack gets a loose copy,
/// which git tolerates and `gc` drops. Level 1 is git's own default for loose objects.
///
/// No `fsync`: callers sync the filesystem before a ref names what they wrote, as for libgit2's
/// writes. One writer per repository handle, so one thread.
final class GitLooseObjectWriter {
    enum Kind: String {
        case blob, tree, commit
    }

    private let objectsDirectory: String
    private let stream: UnsafeMutablePointer<z_stream>

    init(objectsDirectory: String) throws {
        self.objectsDirectory = objectsDirectory
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let rc = deflateInit_(stream, 1, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else {
            stream.deallocate()
            throw GitLooseObjectError.zlib(code: rc)
        }
    }

    deinit {
        deflateEnd(stream)
        stream.deallocate()
    }

    /// Stores `body` as an object of `kind` unless it is already loose, and returns its id.
    func write(_ kind: Kind, _ body: [UInt8]) throws -> GitOID {
        let header = Array("\(kind.rawValue) \(body.count)\0".utf8)
        var sha1 = Insecure.SHA1()
        sha1.update(data: header)
        sha1.update(data: body)
        let id = GitOID(bytes: Array(sha1.finalize()))!
        let hex = id.hex
        let directory = objectsDirectory + "/" + hex.prefix(2)
        let path = directory + "/" + hex.dropFirst(2)
        var status = stat()
        if stat(path, &status) == 0 { return id }
        try store(try compress(header, body), at: path, in: directory)
        return id
    }

    private func compress(_ header: [UInt8], _ body: [UInt8]) throws -> [UInt8] {
        var rc = deflateReset(stream)
        guard rc == Z_OK else { throw GitLooseObjectError.zlib(code: rc) }
        let capacity = Int(deflateBound(stream, UInt(header.count + body.count))) + 16
        return try [UInt8](unsafeUninitializedCapacity: capacity) { out, count in
            stream.pointee.next_out = out.baseAddress
            stream.pointee.avail_out = uInt(capacity)
            for (part, flush) in [(header, Z_NO_FLUSH), (body, Z_FINISH)] {
                rc = part.withUnsafeBufferPointer { input in
                    stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                    stream.pointee.avail_in = uInt(input.count)
                    return deflate(stream, flush)
                }
            }
            // deflateBound covers the whole stream, so one Z_FINISH call completes it.
            guard rc == Z_STREAM_END else { throw GitLooseObjectError.zlib(code: rc) }
            count = capacity - Int(stream.pointee.avail_out)
        }
    }

    /// Writes `bytes` to a new file beside `path` and renames it into place, so a reader never
    /// sees part of an object.
    private func store(_ bytes: [UInt8], at path: String, in directory: String) throws {
        let temporary = directory + "/tmp_obj_" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        var fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o444)
        if fd < 0 && errno == ENOENT {
            if mkdir(directory, 0o777) != 0 && errno != EEXIST {
                throw GitLooseObjectError.file(operation: "create directory", path: directory, errno: errno)
            }
            fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o444)
        }
        guard fd >= 0 else { throw GitLooseObjectError.file(operation: "create", path: temporary, errno: errno) }
        var failure = bytes.withUnsafeBytes { writeAll(fd, $0) }.map { GitLooseObjectError.file(operation: "write", path: temporary, errno: $0) }
        if close(fd) != 0 && failure == nil { failure = .file(operation: "close", path: temporary, errno: errno) }
        if failure == nil && rename(temporary, path) != 0 { failure = .file(operation: "rename to", path: path, errno: errno) }
        if let failure {
            unlink(temporary)
            throw failure
        }
    }
}
