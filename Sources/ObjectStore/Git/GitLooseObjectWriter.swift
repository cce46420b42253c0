import CGit2

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes small objects as loose files, byte for byte in git's format (`objects/ab/cdef…`: the
/// zlib stream of `<type> <size>\0<body>`), for job appends: four objects per event (five with a
/// lease), most of a few hundred bytes, where libgit2's writer spent more than the writing itself.
///
/// Why not `git_odb_write`: per object it asks every backend whether the object exists (reading
/// a loose header, searching the packs), creates the fan-out directory whether it exists or not,
/// allocates a fresh zlib stream (256 KB) and finishes with link+unlink. Here one `ZlibDeflater`
/// is reset per object (which still clears its hash table), existence is one `utimensat` of the
/// loose path, and the file is renamed into place. An object also held in a pack gets a loose copy,
/// which git tolerates and `gc` drops. Level 1 is git's own default for loose objects.
///
/// An object already loose has its time refreshed, as git and libgit2 do, so that `gc`'s grace
/// period for unreachable objects counts from this write (a lost race's objects written again).
/// Failures are OS-class `GitError`s, like libgit2's own write failures (the CLI's exit 1).
///
/// No `fsync`: callers sync the filesystem after their writes and before a ref names them (job
/// appends, catalog commits, pull). One writer per repository handle, so one thread.
final class GitLooseObjectWriter {
    enum Kind: String {
        case blob, tree, commit
    }

    private let objectsDirectory: String
    private let deflater: ZlibDeflater

    init(objectsDirectory: String) throws {
        self.objectsDirectory = objectsDirectory
        do {
            deflater = try ZlibDeflater(level: 1)
        } catch let failure as ZlibDeflater.Failure {
            throw Self.failure("compress loose object", "zlib error \(failure.code)")
        }
    }

    /// Creates the 256 fan-out directories (`objects/00` to `objects/ff`) that are not there yet.
    /// Otherwise a new store's first few hundred job events each create one, and a new directory
    /// is an inode allocation that ext4 places by looking over the inode groups: slow when many
    /// inodes were just freed (a quarter of the append benchmark's time in a run that followed
    /// another). `git prune` removes the empty ones again; `store` still creates a missing one.
    static func createFanOut(objectsDirectory: String) throws {
        for byte in 0...255 {
            let directory = objectsDirectory + "/" + Hex.encode([UInt8(byte)])
            if mkdir(directory, 0o777) != 0 && errno != EEXIST { throw failure("create directory \(directory)", errno) }
        }
    }

    /// Where git keeps `id` loose, under `objects/`: `ab/cdef…`.
    static func relativePath(of id: GitOID) -> String {
        let hex = id.hex
        return hex.prefix(2) + "/" + hex.dropFirst(2)
    }

    /// Stores `body` as an object of `kind` unless it is already loose, and returns its id.
    func write(_ kind: Kind, _ body: [UInt8]) throws -> GitOID {
        let header = GitObjectHasher.header(type: kind.rawValue, size: body.count)
        var hasher = GitObjectHasher(header: header)
        body.withUnsafeBytes { hasher.update($0) }
        let id = hasher.finalize()
        let relative = Self.relativePath(of: id)
        let directory = objectsDirectory + "/" + relative.prefix(2)
        let path = objectsDirectory + "/" + relative
        // Already loose: refresh its time instead (when that fails, write it again).
        if utimensat(AT_FDCWD, path, nil, 0) == 0 { return id }
        try store(try compress(header, body), at: path, in: directory)
        return id
    }

    private func compress(_ header: [UInt8], _ body: [UInt8]) throws -> [UInt8] {
        var compressed = [UInt8]()
        do {
            try header.withUnsafeBytes { header in
                try body.withUnsafeBytes { body in
                    try deflater.compress([header, body]) { compressed.append(contentsOf: $0) }
                }
            }
        } catch let failure as ZlibDeflater.Failure {
            throw Self.failure("compress loose object", "zlib error \(failure.code)")
        }
        return compressed
    }

    /// Writes `bytes` to a new file beside `path` and renames it into place, so a reader never
    /// sees part of an object.
    private func store(_ bytes: [UInt8], at path: String, in directory: String) throws {
        let temporary = directory + "/tmp_obj_" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        var fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o444)
        if fd < 0 && errno == ENOENT {
            if mkdir(directory, 0o777) != 0 && errno != EEXIST { throw Self.failure("create directory \(directory)", errno) }
            fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o444)
        }
        guard fd >= 0 else { throw Self.failure("create \(temporary)", errno) }
        var failure = bytes.withUnsafeBytes { writeAll(fd, $0) }.map { Self.failure("write \(temporary)", $0) }
        if close(fd) != 0 && failure == nil { failure = Self.failure("close \(temporary)", errno) }
        if failure == nil && rename(temporary, path) != 0 { failure = Self.failure("rename to \(path)", errno) }
        if let failure {
            unlink(temporary)
            throw failure
        }
    }

    private static func failure(_ operation: String, _ code: Int32) -> GitError {
        failure(operation, String(cString: strerror(code)))
    }

    private static func failure(_ operation: String, _ message: String) -> GitError {
        GitError(code: GIT_ERROR.rawValue, klass: Int32(GIT_ERROR_OS.rawValue), message: message, operation: operation)
    }
}
