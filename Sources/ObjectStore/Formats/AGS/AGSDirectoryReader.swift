import Foundation

/// Lists a pack directory as streaming sources, never following a link inside it.
///
/// The listing records each file's device and inode; reading re-opens the file without following
/// a final link and refuses it if it is no longer the file listed, so a file swapped for a link
/// between listing and reading is caught rather than read through.
enum AGSDirectoryReader {
    struct Listing {
        var files: [String: AGSMemoryPack.FileSource]
        /// The directory's own name, after resolving `.` and links, for the `llm-pack-…` check.
        var name: String
    }

    static let chunkSize = 256 * 1024

    static func list(_ directory: String) throws -> Listing {
        let root = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard root >= 0 else {
            let code = errno
            switch code {
            case ENOENT: throw FormatError.invalid("\(directory): no such directory")
            case ENOTDIR: throw FormatError.invalid("\(directory): not a directory")
            default: throw FormatError.invalid("\(directory): \(String(cString: strerror(code)))")
            }
        }
        var files: [String: AGSMemoryPack.FileSource] = [:]
        var pending: [(prefix: String, fd: Int32)] = [("", root)]
        defer { pending.forEach { close($0.fd) } }
        while let (prefix, fd) = pending.popLast() {
            try listEntries(of: fd, prefix: prefix) { relative, status in
                switch status.st_mode & S_IFMT {
                case S_IFDIR:
                    let child = openat(fd, lastComponent(relative), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                    guard child >= 0 else { throw systemError(errno, relative, "open") }
                    pending.append((relative + "/", child))
                case S_IFREG:
                    // Swift's String keys merge canonically equivalent names, which git and disks do not.
                    if let clash = files.index(forKey: relative) {
                        throw FormatError.invalid("\(files[clash].key) and \(relative) differ only in Unicode normalization")
                    }
                    files[relative] = source(root: directory, relative: relative, status: status)
                case S_IFLNK:
                    throw FormatError.invalid("\(relative) is a symbolic link; AGS packs hold regular files only")
                default:
                    throw FormatError.invalid("\(relative) is not a regular file or directory")
                }
            }
        }
        return Listing(files: files, name: resolvedName(directory))
    }

    /// Calls `body` with each entry's pack-relative path and `lstat` status; closes `fd`.
    private static func listEntries(of fd: Int32, prefix: String,
                                    _ body: (String, stat) throws -> Void) throws {
        guard let stream = fdopendir(fd) else {
            let code = errno
            close(fd)
            throw systemError(code, prefix.isEmpty ? "." : String(prefix.dropLast()), "opendir")
        }
        defer { closedir(stream) }
        while true {
            errno = 0
            guard let entry = readdir(stream) else {
                if errno != 0 { throw systemError(errno, prefix, "readdir") }
                return
            }
            let nameBytes = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                Array(raw.prefix(while: { $0 != 0 }))
            }
            if nameBytes == [0x2e] || nameBytes == [0x2e, 0x2e] { continue }
            guard let name = String(validating: nameBytes, as: UTF8.self) else {
                throw FormatError.invalid("\(prefix)\(String(decoding: nameBytes, as: UTF8.self)): file name is not UTF-8")
            }
            var status = stat()
            guard fstatat(dirfd(stream), name, &status, AT_SYMLINK_NOFOLLOW) == 0 else {
                throw systemError(errno, prefix + name, "lstat")
            }
            try body(prefix + name, status)
        }
    }

    private static func source(root: String, relative: String, status: stat) -> AGSMemoryPack.FileSource {
        let device = status.st_dev
        let inode = status.st_ino
        return AGSMemoryPack.FileSource(size: Int(status.st_size), mode: UInt32(status.st_mode)) { consume in
            let fd = open(root + "/" + relative, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
            guard fd >= 0 else {
                let code = errno
                throw FormatError.invalid("\(relative) changed while being read: \(String(cString: strerror(code)))")
            }
            defer { close(fd) }
            var now = stat()
            guard fstat(fd, &now) == 0 else { throw systemError(errno, relative, "stat") }
            guard now.st_mode & S_IFMT == S_IFREG, now.st_dev == device, now.st_ino == inode else {
                throw FormatError.invalid("\(relative) changed while being read")
            }
            var buffer = [UInt8](repeating: 0, count: chunkSize)
            while true {
                let n = buffer.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress, $0.count) }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw systemError(errno, relative, "read")
                }
                if n == 0 { return }
                try buffer.withUnsafeBytes { try consume(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            }
        }
    }

    static func isDirectory(_ path: String, followingLinks: Bool) -> Bool {
        var status = stat()
        let found = followingLinks ? stat(path, &status) : lstat(path, &status)
        return found == 0 && status.st_mode & S_IFMT == S_IFDIR
    }

    static func isRegularFile(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFREG
    }

    private static func lastComponent(_ relative: String) -> String {
        relative.split(separator: "/").last.map(String.init) ?? relative
    }

    private static func resolvedName(_ directory: String) -> String {
        guard let resolved = realpath(directory, nil) else { return (directory as NSString).lastPathComponent }
        defer { free(resolved) }
        return (String(cString: resolved) as NSString).lastPathComponent
    }

    /// An I/O failure; `code` is the caller's `errno`, taken before anything else can change it.
    private static func systemError(_ code: Int32, _ path: String, _ operation: String) -> FormatError {
        FormatError(.internalFailure, "\(path): \(operation): \(String(cString: strerror(code)))")
    }
}
