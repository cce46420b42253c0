import Foundation

/// Small-file reads and directory creation with errors that name the path.
public enum FileBytes {
    /// Reads a whole file. Only for inputs that are small by nature (JSON records, keys, manifests).
    public static func read(_ path: String, limit: Int = 256 * 1024 * 1024) throws -> [UInt8] {
        do {
            return try SmallFile.read(path, limit: limit)
        } catch let failure as SmallFile.Failure {
            // Go's wording, which gait's messages (and scripts matching them) carry.
            if failure == .notFound { throw FormatError.invalid("open \(path): no such file or directory") }
            throw FormatError.invalid("read \(path): \(failure.description)")
        }
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
}
