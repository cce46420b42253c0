#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the assembled archive goes. Bytes arrive strictly in order, never revisited.
protocol ZipOutput: AnyObject {
    /// Bytes written so far: the offset of the next byte.
    var count: UInt64 { get }
    func write(_ bytes: UnsafeRawBufferPointer) throws
}

extension ZipOutput {
    func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }
}

/// Collects the archive in memory (`DeterministicZip.encode`).
final class MemoryZipOutput: ZipOutput {
    private(set) var bytes: [UInt8] = []

    var count: UInt64 { UInt64(bytes.count) }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        self.bytes.append(contentsOf: bytes)
    }
}

/// Writes a temporary file beside the destination, hashing as it goes, then fsyncs it and renames
/// it over the destination: readers see either the old file or the complete new one, never a
/// partial zip, and a crash leaves at worst a stray temporary file.
final class AtomicFileZipOutput: ZipOutput {
    private let destination: String
    private let temporary: String
    private let mode: UInt32
    private var fd: Int32
    private var renamed = false
    private var buffer: [UInt8] = []
    private var hasher = SHA256Hasher()
    private(set) var count: UInt64 = 0
    private static let bufferSize = 1 << 20

    init(destination: String, mode: UInt32) throws {
        self.destination = destination
        self.mode = mode
        let slash = destination.lastIndex(of: "/")
        let directory = slash.map { String(destination[...$0]) } ?? ""
        let base = slash.map { String(destination[destination.index(after: $0)...]) } ?? destination
        var created: (String, Int32)?
        for _ in 0..<16 {
            let candidate = "\(directory).\(base).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
            let fd = open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            if fd >= 0 { created = (candidate, fd); break }
            let code = errno
            if code != EEXIST && code != EINTR {
                throw ZipError.io(path: candidate, operation: "create", reason: ZipPOSIX.reason(code))
            }
        }
        guard let (path, fd) = created else {
            throw ZipError.io(path: destination, operation: "create temporary file", reason: "name collisions")
        }
        self.temporary = path
        self.fd = fd
        buffer.reserveCapacity(Self.bufferSize)
    }

    deinit {
        discard()
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        hasher.update(bytes)
        count += UInt64(bytes.count)
        if buffer.count + bytes.count > Self.bufferSize {
            try flush()
        }
        if bytes.count >= Self.bufferSize {
            try ZipPOSIX.writeAll(fd, bytes, path: temporary)
        } else {
            buffer.append(contentsOf: bytes)
        }
    }

    /// Makes the file durable and puts it in place.
    func commit() throws -> ZipWriteSummary {
        try flush()
        guard fchmod(fd, mode_t(mode)) == 0 else {
            throw ZipError.io(path: temporary, operation: "chmod", reason: ZipPOSIX.reason(errno))
        }
        guard fsync(fd) == 0 else {
            throw ZipError.io(path: temporary, operation: "fsync", reason: ZipPOSIX.reason(errno))
        }
        let closed = close(fd)
        fd = -1
        guard closed == 0 else {
            throw ZipError.io(path: temporary, operation: "close", reason: ZipPOSIX.reason(errno))
        }
        guard rename(temporary, destination) == 0 else {
            throw ZipError.io(path: destination, operation: "rename", reason: ZipPOSIX.reason(errno))
        }
        renamed = true
        syncDirectory()
        return ZipWriteSummary(sha256: hasher.finalize(), size: Int(count))
    }

    /// Removes the temporary file; a no-op once committed.
    func discard() {
        if fd >= 0 {
            close(fd)
            fd = -1
        }
        if !renamed {
            unlink(temporary)
            renamed = true
        }
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try ZipPOSIX.writeAll(fd, $0, path: temporary) }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Persists the rename itself; best effort, as not every file system supports it.
    private func syncDirectory() {
        let slash = destination.lastIndex(of: "/")
        let directory = slash.map { $0 == destination.startIndex ? "/" : String(destination[..<$0]) } ?? "."
        let dirFD = open(directory, O_RDONLY | O_CLOEXEC)
        if dirFD >= 0 {
            _ = fsync(dirFD)
            close(dirFD)
        }
    }
}
