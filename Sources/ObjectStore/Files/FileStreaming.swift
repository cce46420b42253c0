import Foundation

/// Reads a file in chunks without holding it whole.
enum FileStreaming {
    static func stream(_ path: String, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw FormatError.invalid("open \(path): \(FileBytes.exists(path) ? "permission denied" : "no such file or directory")")
        }
        defer { try? handle.close() }
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            try chunk.withUnsafeBytes(body)
        }
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
