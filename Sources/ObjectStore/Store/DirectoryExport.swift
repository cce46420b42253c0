import Foundation

/// Writes a stored directory pack back to disk: into a temporary sibling first, renamed into place,
/// so a failed export leaves nothing half-written.
enum DirectoryExport {
    static func write(_ files: [(path: String, entry: TreeEntry)], from repository: GitRepository, to outPath: String) throws {
        let fm = FileManager.default
        if fm.fileExists(atPath: outPath) { throw FormatError.invalid("\(outPath) already exists") }
        let parent = (outPath as NSString).deletingLastPathComponent
        let staging = (parent.isEmpty ? "." : parent) + "/.gaitstore-export-\(UUID().uuidString)"
        do {
            try fm.createDirectory(atPath: staging, withIntermediateDirectories: true)
            for (path, entry) in files {
                let target = (staging as NSString).appendingPathComponent(path)
                try fm.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                guard fm.createFile(atPath: target, contents: nil,
                                    attributes: [.posixPermissions: entry.mode == .executable ? 0o755 : 0o644]),
                      let handle = FileHandle(forWritingAtPath: target) else {
                    throw FormatError(.internalFailure, "create \(target)")
                }
                defer { try? handle.close() }
                try repository.streamBlob(entry.oid) { chunk in handle.write(Data(chunk)) }
                try handle.synchronize()
            }
            try fm.moveItem(atPath: staging, toPath: outPath)
        } catch {
            try? fm.removeItem(atPath: staging)
            if let own = error as? FormatError { throw own }
            throw FormatError(.internalFailure, "export to \(outPath): \(error)")
        }
    }
}
