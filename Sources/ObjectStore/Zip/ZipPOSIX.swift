#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The few system calls the zip codec needs, with EINTR retried and errors turned into `ZipError`
/// naming the file. Plain file descriptors (not FileHandle) because readers share one descriptor
/// across threads through `pread`.
enum ZipPOSIX {
    static func reason(_ code: Int32) -> String {
        String(cString: strerror(code))
    }

    static func openForReading(_ path: String) throws -> Int32 {
        while true {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            if fd >= 0 { return fd }
            let code = errno
            if code == EINTR { continue }
            if code == ENOENT || code == ENOTDIR { throw ZipError.missingFile(path: path) }
            throw ZipError.io(path: path, operation: "open", reason: reason(code))
        }
    }

    /// What tells one file from another, or from itself rewritten: device, inode, size, change time.
    struct FileIdentity: Equatable {
        var device: UInt64, inode: UInt64, size: Int64, changeSeconds: Int, changeNanoseconds: Int
    }

    static func identity(_ fd: Int32, path: String) throws -> FileIdentity {
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw ZipError.io(path: path, operation: "stat", reason: reason(errno))
        }
        return FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size),
                            changeSeconds: Int(info.st_ctim.tv_sec), changeNanoseconds: Int(info.st_ctim.tv_nsec))
    }

    /// Fills `buffer` from the current position; returns fewer bytes only at end of file.
    static func readFully(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, path: String) throws -> Int {
        var filled = 0
        while filled < buffer.count {
            let n = read(fd, buffer.baseAddress! + filled, buffer.count - filled)
            if n > 0 {
                filled += n
            } else if n == 0 {
                break
            } else if errno != EINTR {
                throw ZipError.io(path: path, operation: "read", reason: reason(errno))
            }
        }
        return filled
    }

    /// Fills `buffer` from `offset` without moving the file position, so threads can share `fd`.
    static func preadFully(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64,
                           path: String) throws -> Int {
        var filled = 0
        while filled < buffer.count {
            let n = pread(fd, buffer.baseAddress! + filled, buffer.count - filled, off_t(offset) + off_t(filled))
            if n > 0 {
                filled += n
            } else if n == 0 {
                break
            } else if errno != EINTR {
                throw ZipError.io(path: path, operation: "read", reason: reason(errno))
            }
        }
        return filled
    }

    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws {
        if let code = ObjectStore.writeAll(fd, bytes) { throw ZipError.io(path: path, operation: "write", reason: reason(code)) }
    }
}
