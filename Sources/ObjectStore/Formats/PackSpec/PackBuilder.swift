import Foundation

/// One file going into a pack, with its digest known before the zip is written.
public struct PackFile: Sendable {
    public var path: String
    public var content: ZipWriteEntry.Content
    public var sha256: SHA256Digest
    public var size: Int
    public var mode: UInt32

    public init(path: String, content: ZipWriteEntry.Content, sha256: SHA256Digest, size: Int, mode: UInt32 = 0o644) {
        self.path = path
        self.content = content
        self.sha256 = sha256
        self.size = size
        self.mode = mode
    }

    public static func bytes(_ path: String, _ bytes: [UInt8]) -> PackFile {
        PackFile(path: path, content: .bytes(bytes), sha256: SHA256Digest.of(bytes), size: bytes.count)
    }
}

/// A pack written to disk.
public struct BuiltPack: Sendable {
    public var packID: String
    public var manifest: PackManifest
    public var path: String
    public var zip: ZipWriteSummary
}

/// Options every pack build shares.
public struct PackBuildOptions: Sendable {
    /// Part of `pack_id` (it is in the manifest and every proof record), so it defaults to gait's dev value.
    public var producerVersion = "0.0.0-dev"
    public var key: Ed25519PrivateKey?

    public init(producerVersion: String = "0.0.0-dev", key: Ed25519PrivateKey? = nil) {
        self.producerVersion = producerVersion
        self.key = key
    }
}

/// gait's `buildPackWithFiles` (packspec §4): proof records, manifest, `pack_id`, signature, zip.
public enum PackBuilder {
    /// Builds the manifest and the zip entries without writing anything.
    public static func assemble(type: PackType, sourceRef: String, files: [PackFile],
                                options: PackBuildOptions) throws -> (manifest: PackManifest, entries: [ZipWriteEntry]) {
        let producer = options.producerVersion.goTrimmed.isEmpty ? "0.0.0-dev" : options.producerVersion
        let subjects = files.map {
            ProofRecords.Subject(path: $0.path, type: PackEntry.type(forPath: $0.path), sha256: $0.sha256.hex,
                                 size: $0.size, permissions: Int(ZipWriteEntry(path: $0.path, mode: $0.mode, content: .bytes([])).normalizedMode))
        }
        let proof = try ProofRecords.build(subjects, packType: type.rawValue, sourceRef: sourceRef,
                                           producerVersion: producer, key: options.key)
        let all = files + [PackFile.bytes(ProofRecords.fileName, proof)]
        let contents = all.map { PackEntry(path: $0.path, sha256: $0.sha256.hex, type: PackEntry.type(forPath: $0.path)) }
            .sorted { bytewise($0.path, $1.path) }
        var manifest = PackManifest(producerVersion: producer, packType: type, sourceRef: sourceRef, contents: contents)
        manifest.packID = try manifest.computePackID()
        if let key = options.key {
            manifest.signatures = [try ManifestSignature.sign(manifest.signable, with: key)]
        }
        let entries = all.map { ZipWriteEntry(path: $0.path, mode: $0.mode, content: $0.content) }
            + [ZipWriteEntry(path: PackManifest.fileName, content: .bytes(try manifest.canonicalBytes()))]
        return (manifest, entries)
    }

    /// Builds and writes the pack. `outPath` nil means `<defaultDirectory>/pack_<pack_id>.zip`.
    public static func build(type: PackType, sourceRef: String, files: [PackFile], options: PackBuildOptions,
                             outPath: String?, defaultDirectory: String) throws -> BuiltPack {
        let (manifest, entries) = try assemble(type: type, sourceRef: sourceRef, files: files, options: options)
        let path = try outPath.map(checkedOutputPath)
            ?? (defaultDirectory as NSString).appendingPathComponent("pack_\(manifest.packID).zip")
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty { try FileBytes.makeDirectory(directory) }
        let summary = try DeterministicZip.write(entries, to: path, fileMode: 0o600)
        return BuiltPack(packID: manifest.packID, manifest: manifest, path: path, zip: summary)
    }

    /// gait refuses relative output paths that climb out with `..`.
    static func checkedOutputPath(_ path: String) throws -> String {
        let trimmed = path.goTrimmed
        if trimmed.isEmpty { throw FormatError.invalid("output path is required") }
        if !trimmed.hasPrefix("/") && trimmed.split(separator: "/").contains("..") {
            throw FormatError.invalid("relative output path must not traverse parent directories: \(trimmed)")
        }
        return trimmed
    }
}
