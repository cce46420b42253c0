import Foundation

/// Whole-file reads and atomic replacement for small files that are read and written in one piece
/// (key files, allowed_signers). Reads are capped so a wrong path cannot exhaust memory.
package enum SmallFile {
    package enum Failure: Error, Equatable, CustomStringConvertible {
        case notFound
        case tooLarge(limit: Int)
        case system(operation: String, code: Int32)

        package var description: String {
            switch self {
            case .notFound: return "no such file"
            case .tooLarge(let limit): return "larger than \(limit) bytes"
            case .system(let operation, let code): return "\(operation): \(String(cString: strerror(code)))"
            }
        }
    }

    /// The file's bytes; `Failure.notFound` when it does not exist.
    package static func read(_ path: String, limit: Int) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw errno == ENOENT ? Failure.notFound : Failure.system(operation: "open", code: errno)
        }
        defer { close(fd) }
        var out = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure.system(operation: "read", code: errno)
            }
            if n == 0 { return out }
            guard out.count + n <= limit else { throw Failure.tooLarge(limit: limit) }
            out.append(contentsOf: chunk[0..<n])
        }
    }

    /// Replaces `path` with `bytes` so that readers see either the old file or the whole new one,
    /// never a torn write: a temporary file beside it is written, synced, then renamed over it.
    /// `mode` is applied exactly (not masked by the umask), so a private key is never group-readable.
    package static func writeAtomically(_ bytes: [UInt8], to path: String, mode: mode_t) throws {
        let directory = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        let temporary = (directory.isEmpty ? "" : directory + "/") + ".\(name).tmp-\(Hex.encode(Sodium.randomBytes(6)))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw Failure.system(operation: "create \(temporary)", code: errno) }
        var done = false
        defer {
            if !done { unlink(temporary) }
        }
        do {
            defer { close(fd) }
            guard fchmod(fd, mode) == 0 else { throw Failure.system(operation: "chmod", code: errno) }
            if let code = bytes.withUnsafeBytes({ writeAll(fd, $0) }) { throw Failure.system(operation: "write", code: code) }
            guard fsync(fd) == 0 else { throw Failure.system(operation: "fsync", code: errno) }
        }
        guard rename(temporary, path) == 0 else { throw Failure.system(operation: "rename", code: errno) }
        done = true
        // Make the rename itself durable; a failure here cannot undo it, so it is not reported.
        let directoryFD = open(directory.isEmpty ? "." : directory, O_RDONLY | O_CLOEXEC)
        if directoryFD >= 0 {
            fsync(directoryFD)
            close(directoryFD)
        }
    }
}
