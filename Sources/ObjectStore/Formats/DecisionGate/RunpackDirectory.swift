#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A runpack directory on disk, walked and read without ever following a symbolic link.
///
/// Every open goes through `openat` from the root's descriptor with `O_NOFOLLOW` on each component,
/// so a link swapped in after the walk cannot redirect a read outside the directory, and a FIFO
/// cannot block a read (`O_NONBLOCK`, then a regular-file check on the open descriptor).
final class RunpackDirectory {
    /// Deeper trees are refused rather than walked, which also bounds the walk's recursion.
    static let maxDepth = 64

    let path: String
    private let rootFD: Int32

    init(path: String) throws {
        self.path = path
        let fd = RunpackDirectory.retrying { open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        guard fd >= 0 else {
            let code = errno
            switch code {
            case ENOENT: throw FormatError.invalid("\(path): no such directory")
            case ENOTDIR: throw FormatError.invalid("\(path): not a directory")
            default: throw FormatError.invalid("\(path): \(RunpackDirectory.reason(code))")
            }
        }
        rootFD = fd
    }

    deinit { close(rootFD) }

    /// Everything below the root, each regular file as a source that re-opens it safely.
    func contents() throws -> RunpackContents {
        var contents = RunpackContents()
        let fd = RunpackDirectory.retrying { dup(self.rootFD) }
        guard fd >= 0 else { throw failure("dup", path: "", errno) }
        try walk(fd, prefix: "", depth: 1, into: &contents)
        return contents
    }

    /// Reads `relative` in chunks, refusing anything but a regular file reached without links.
    func stream(_ relative: String, _ consume: (UnsafeRawBufferPointer) throws -> Void) throws {
        let fd = try openFile(relative)
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw failure("read", path: relative, errno)
            }
            if n == 0 { return }
            try buffer.withUnsafeBytes { try consume(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        }
    }

    // MARK: Walking

    /// Takes ownership of `fd` (a directory) and records what is in it.
    private func walk(_ fd: Int32, prefix: String, depth: Int, into contents: inout RunpackContents) throws {
        guard let stream = fdopendir(fd) else {
            let code = errno
            close(fd)
            throw failure("opendir", path: prefix, code)
        }
        defer { closedir(stream) }
        var isEmpty = true
        while true {
            errno = 0
            guard let entry = readdir(stream) else {
                if errno != 0 { throw failure("readdir", path: prefix, errno) }
                break
            }
            let rawName = withUnsafePointer(to: &entry.pointee.d_name) {
                UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)
            }
            if strcmp(rawName, ".") == 0 || strcmp(rawName, "..") == 0 { continue }
            isEmpty = false
            guard let name = String(validatingCString: rawName) else {
                let shown = prefix + (prefix.isEmpty ? "" : "/") + String(cString: rawName)
                contents.add(shown, .refused(reason: "has a name that is not valid UTF-8"))
                continue
            }
            let relative = prefix.isEmpty ? name : prefix + "/" + name
            var info = stat()
            guard fstatat(dirfd(stream), rawName, &info, AT_SYMLINK_NOFOLLOW) == 0 else {
                throw failure("stat", path: relative, errno)
            }
            switch info.st_mode & S_IFMT {
            case S_IFREG:
                let size = Int(info.st_size)
                let mode: UInt32 = info.st_mode & 0o111 != 0 ? 0o100755 : 0o100644
                contents.add(relative, .file(DecisionGateRunpack.FileSource(size: size, mode: mode) { consume in
                    try self.stream(relative, consume)
                }))
            case S_IFDIR:
                contents.addDirectory(relative)
                guard depth < RunpackDirectory.maxDepth else {
                    contents.add(relative, .refused(reason: "is nested deeper than \(RunpackDirectory.maxDepth) directories"))
                    continue
                }
                let child = RunpackDirectory.retrying {
                    openat(dirfd(stream), rawName, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                }
                guard child >= 0 else { throw failure("open", path: relative, errno) }
                try walk(child, prefix: relative, depth: depth + 1, into: &contents)
            case S_IFLNK:
                contents.add(relative, .refused(reason: "is a symbolic link"))
            case S_IFIFO:
                contents.add(relative, .refused(reason: "is a named pipe"))
            case S_IFSOCK:
                contents.add(relative, .refused(reason: "is a socket"))
            default:
                contents.add(relative, .refused(reason: "is a device file"))
            }
        }
        if isEmpty && !prefix.isEmpty { contents.addEmptyDirectory(prefix) }
    }

    // MARK: Opening

    private func openFile(_ relative: String) throws -> Int32 {
        let components = relative.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        var directory = RunpackDirectory.retrying { dup(self.rootFD) }
        guard directory >= 0 else { throw failure("dup", path: relative, errno) }
        defer { close(directory) }
        for component in components.dropLast() {
            let next = RunpackDirectory.retrying {
                openat(directory, component, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            }
            guard next >= 0 else { throw failure("open", path: relative, errno) }
            close(directory)
            directory = next
        }
        let fd = RunpackDirectory.retrying {
            openat(directory, components.last!, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        }
        guard fd >= 0 else {
            if errno == ENOENT { throw RunpackReadError.notFound(relative) }
            throw failure("open", path: relative, errno)
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            close(fd)
            throw failure("stat", path: relative, code)
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            throw RunpackReadError.notRegularFile(relative)
        }
        return fd
    }

    private func failure(_ operation: String, path relative: String, _ code: Int32) -> RunpackReadError {
        .system(operation: operation, path: relative.isEmpty ? path : path + "/" + relative,
                reason: RunpackDirectory.reason(code))
    }

    private static func retrying(_ call: () -> Int32) -> Int32 {
        while true {
            let result = call()
            if result >= 0 || errno != EINTR { return result }
        }
    }

    static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }
}

/// Why a runpack file could not be read; the verifier reports it as DG reports a read failure.
enum RunpackReadError: Error, CustomStringConvertible {
    case system(operation: String, path: String, reason: String)
    case notFound(String)
    case notRegularFile(String)
    case tooLarge(path: String, size: Int, limit: Int)
    case sizeChanged(path: String, expected: Int, actual: Int)

    var description: String {
        switch self {
        case .system(let operation, let path, let reason): return "\(operation) \(path): \(reason)"
        case .notFound(let path): return "\(path): no such file"
        case .notRegularFile(let path): return "\(path) is not a regular file"
        case .tooLarge(let path, let size, let limit): return "artifact too large: \(path) (\(size) > \(limit))"
        case .sizeChanged(let path, let expected, let actual):
            return "\(path) changed while being read (\(expected) bytes expected, \(actual) read)"
        }
    }
}
