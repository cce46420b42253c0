import Foundation

/// Reads a file in chunks without holding it whole.
enum FileStreaming {
    static func stream(_ path: String, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FormatError.invalid("open \(path): \(reason(errno))") }
        defer { close(fd) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = read(fd, buffer.baseAddress, buffer.count)
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw FormatError.invalid("read \(path): \(reason(errno))") }
            if count == 0 { return }
            try body(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
        }
    }

    /// strerror's text in the lower case of the rest of the line ("no such file or directory").
    static func reason(_ code: Int32) -> String {
        let text = String(cString: strerror(code))
        return text.prefix(1).lowercased() + text.dropFirst()
    }

    /// SHA-256 and length of a file.
    static func sha256(_ path: String) throws -> (digest: SHA256Digest, size: Int) {
        var hasher = SHA256Hasher()
        var size = 0
        try stream(path) { chunk in
            hasher.update(chunk)
            size += chunk.count
        }
        return (hasher.finalize(), size)
    }
}
