import Foundation

/// One input that passed verification and is ready to be written into the store.
public struct ImportCandidate: @unchecked Sendable {
    public var meta: PackMeta
    public var files: [File]

    public struct File {
        public var path: String
        public var sha256: SHA256Digest
        public var size: Int
        public var mode: TreeEntry.Mode
        public var source: Source
    }

    /// Where a file's bytes are read from when it has to be written.
    public enum Source {
        case zipEntry(ZipReader, ZipEntry)
        case file(String)
    }

    /// Verifies a zip (PackSpec, legacy runpack or evidence pack) and lists its files.
    /// Not a zip, or unreadable: `.invalidInput`; a pack that fails verification: `.verification`.
    public static func fromZip(_ path: String) throws -> ImportCandidate {
        let zip = try PackFamily.open(path)
        let result = try PackVerifier.verify(archive: zip, options: VerifyOptions())
        if !result.ok(requireSignature: false) {
            throw FormatError.verification("\(path): \(result.failureSummary)")
        }
        var files: [File] = []
        for entry in zip.entries where !entry.isDirectory {
            let digest: SHA256Digest
            if let known = result.digests[entry.name], let parsed = SHA256Digest(hex: known) {
                digest = parsed
            } else {
                digest = try zip.sha256(entry).digest
            }
            files.append(File(path: entry.name, sha256: digest, size: Int(entry.uncompressedSize),
                              mode: entry.mode & 0o111 != 0 ? .executable : .blob, source: .zipEntry(zip, entry)))
        }
        zip.releaseDescriptor()
        let kind: PackKind = switch result.legacyType {
        case "runpack": .runpack
        case "guard": .evidencePack
        default: .packSpec
        }
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        let meta = PackMeta(id: result.packID.lowercased(), kind: kind, packType: result.packType, sourceRef: result.sourceRef,
                            sourceName: (path as NSString).lastPathComponent,
                            sourceSHA256: try FileStreaming.sha256(path).digest.hex,
                            sourceSize: (attributes?[.size] as? Int) ?? 0,
                            fileCount: files.count, totalBytes: files.reduce(0) { $0 + $1.size })
        return ImportCandidate(meta: meta, files: files)
    }
}

extension VerifyResult {
    /// One line saying why a pack did not verify.
    public var failureSummary: String {
        var reasons: [String] = []
        if !missingFiles.isEmpty { reasons.append("missing files: \(missingFiles.joined(separator: ", "))") }
        if !hashMismatches.isEmpty { reasons.append("hash mismatch: \(hashMismatches.map(\.path).joined(separator: ", "))") }
        if !undeclaredFiles.isEmpty { reasons.append("undeclared files: \(undeclaredFiles.joined(separator: ", "))") }
        if signatureStatus == .failed { reasons.append("signature failed: \(signatureErrors.joined(separator: "; "))") }
        return reasons.isEmpty ? "verification failed" : reasons.joined(separator: "; ")
    }
}
