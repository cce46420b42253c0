/// A stored pack (a git tree) seen as an archive, so the zip verifier's checks apply unchanged.
/// Reads go through one libgit2 handle, so hashing is sequential.
public final class StoredPackArchive: PackArchive {
    public struct Entry: PackArchiveEntry {
        public var name: String
        public var oid: GitOID
        public var mode: TreeEntry.Mode
        public var uncompressedSize: UInt64
        public var isDirectory: Bool { false }
        public var unsafeNameReason: String? { nil }
    }

    let repository: GitRepository
    public let entries: [Entry]
    private let byName: [String: Entry]
    /// SHA-256s the caller has just computed from these blobs' content (fsck, pull): not hashed again.
    private let knownDigests: [GitOID: SHA256Digest]

    public init(repository: GitRepository, tree: GitOID, knownDigests: [GitOID: SHA256Digest] = [:]) throws {
        self.repository = repository
        self.knownDigests = knownDigests
        var list: [Entry] = []
        for (path, entry) in try repository.walkTree(tree) {
            list.append(Entry(name: path, oid: entry.oid, mode: entry.mode, uncompressedSize: UInt64(try repository.blobSize(entry.oid))))
        }
        entries = list
        byName = Dictionary(list.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// A git tree cannot hold two entries of one name.
    public var duplicateNames: [String] { [] }
    public var supportsConcurrentReads: Bool { false }

    public func entry(named name: String) -> Entry? { byName[name] }

    public func read(_ entry: Entry) throws -> [UInt8] {
        if entry.uncompressedSize > UInt64(ZipLimits.default.maxEntrySize) {
            throw FormatError.invalid("\(entry.name): entry too large")
        }
        return try reading(entry) { try repository.readBlob(entry.oid) }
    }

    public func stream(_ entry: Entry, chunk: (UnsafeRawBufferPointer) throws -> Void) throws {
        try reading(entry) { try repository.streamBlob(entry.oid, chunk) }
    }

    public func sha256(_ entry: Entry) throws -> (digest: SHA256Digest, size: Int) {
        if let known = knownDigests[entry.oid] { return (known, Int(entry.uncompressedSize)) }
        var hasher = SHA256Hasher()
        var size = 0
        try stream(entry) { chunk in
            hasher.update(chunk)
            size += chunk.count
        }
        return (hasher.finalize(), size)
    }

    /// A stored object that cannot be read back intact is damage in the store: a verification
    /// failure naming the entry, as a tampered zip member is.
    private func reading<T>(_ entry: Entry, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as GitError where error.isDamagedObject {
            throw FormatError.verification("\(entry.name): stored object \(entry.oid.hex) is damaged: \(error.message)")
        }
    }
}

extension Store {
    /// Writes a stored pack out as it came in: a deterministic zip for gait's artifacts (byte-identical
    /// to any zip gaitstore wrote), or a directory for Decision Gate and AGS packs.
    public func export(_ id: String, to outPath: String) throws -> PackMeta {
        let pack = try storedPack(id)
        let files = try repository.walkTree(pack.tree)
        switch pack.reader {
        case .gait:
            // The zip writer pulls each entry's bytes as it compresses, on this thread, so one handle serves.
            let repository = self.repository
            let entries = files.map { path, entry in
                ZipWriteEntry(path: path, mode: entry.mode == .executable ? 0o755 : 0o644,
                              content: .stream(UnsafeSendable { body in try repository.streamBlob(entry.oid, body) }))
            }
            _ = try DeterministicZip.write(entries, to: outPath, fileMode: 0o644)
        case .directory:
            try DirectoryExport.write(files, from: repository, to: outPath)
        }
        return pack.meta
    }
}

/// Wraps a non-Sendable value that is only ever used from the thread that made it.
public struct UnsafeSendable<Value>: @unchecked Sendable {
    public let value: Value
    public init(_ value: Value) { self.value = value }
}
