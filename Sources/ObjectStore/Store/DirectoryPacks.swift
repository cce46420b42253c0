import Foundation

/// Directory packs (Decision Gate runpacks, AGS memory packs): verified on disk for import, and
/// re-verified from the stored tree by fsck (`DirectoryPack.verifiedID`), through the same format code.
extension ImportCandidate {
    public static func fromDirectory(_ path: String) throws -> ImportCandidate {
        let name = (path as NSString).lastPathComponent
        if DecisionGateRunpack.looksLikeRunpack(directory: path) {
            let verified = try DecisionGateRunpack.verify(directory: path)
            let files = verified.files.map { file in
                File(path: file.path, sha256: file.sha256, size: file.size, mode: file.mode & 0o111 != 0 ? .executable : .blob,
                     source: .file((path as NSString).appendingPathComponent(file.path)))
            }
            return ImportCandidate(meta: directoryMeta(id: verified.rootHash, kind: .decisionGateRunpack, packType: "runpack",
                                                       sourceRef: verified.runID, name: name, files: files), files: files)
        }
        if AGSMemoryPack.looksLikePack(directory: path) {
            let verified = try AGSMemoryPack.verify(directory: path)
            let files = verified.files.map { file in
                File(path: file.path, sha256: file.sha256, size: file.size, mode: file.mode & 0o111 != 0 ? .executable : .blob,
                     source: .file((path as NSString).appendingPathComponent(file.path)))
            }
            return ImportCandidate(meta: directoryMeta(id: verified.manifestDigest, kind: .agsMemoryPack, packType: "memory",
                                                       sourceRef: verified.grammarVersion, name: name, files: files), files: files)
        }
        throw FormatError.invalid("\(path): directory is not a Decision Gate runpack or AGS memory pack")
    }

    private static func directoryMeta(id: String, kind: PackKind, packType: String, sourceRef: String, name: String,
                                      files: [File]) -> PackMeta {
        PackMeta(id: id.lowercased(), kind: kind, packType: packType, sourceRef: sourceRef, sourceName: name,
                 sourceSHA256: "", sourceSize: 0, fileCount: files.count, totalBytes: files.reduce(0) { $0 + $1.size })
    }
}
