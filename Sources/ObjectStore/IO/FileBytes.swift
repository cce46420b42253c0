import Foundation

/// Small-file reads and directory creation with errors that name the path.
public enum FileBytes {
    /// Reads a whole file. Only for inputs that are small by nature (JSON records, keys, manifests).
    public static func read(_ path: String, limit: Int = 256 * 1024 * 1024) throws -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw FormatError.invalid("open \(path): \(FileBytes.reason(path))")
        }
        defer { try? handle.close() }
        var out: [UInt8] = []
        while true {
            let chunk = try handle.read(upToCount: 1 << 20) ?? Data()
            if chunk.isEmpty { break }
            out.append(contentsOf: chunk)
            if out.count > limit { throw FormatError.invalid("\(path): file larger than \(limit) bytes") }
        }
        return out
    }

    public static func makeDirectory(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o750])
        } catch {
            throw FormatError(.internalFailure, "create directory \(path): \(error.localizedDescription)")
        }
    }

    public static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    public static func isDirectory(_ path: String) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
    }

    static func reason(_ path: String) -> String {
        if !FileManager.default.fileExists(atPath: path) { return "no such file or directory" }
        if isDirectory(path) { return "is a directory" }
        return "permission denied"
    }
}
