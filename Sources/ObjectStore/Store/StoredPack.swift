/// A pack in the store, opened by id: the one place that decides from a pack's kind how its tree
/// is read, so `pack verify`, `inspect`, `diff`, `export` and fsck never pick a reader themselves.
public struct StoredPack {
    /// How the pack's tree is read.
    public enum Reader {
        /// One of gait's artifacts (PackSpec pack, legacy runpack, legacy evidence pack): an archive.
        case gait(StoredGaitPack)
        /// A Decision Gate runpack or AGS memory pack: its files, as on disk.
        case directory(DirectoryPack)
    }

    public let meta: PackMeta
    /// The pack's own tree (`packs/<id>`).
    public let tree: GitOID
    public let reader: Reader

    public var kind: PackKind { meta.kind }

    init(meta: PackMeta, tree: GitOID, repository: GitRepository) {
        self.meta = meta
        self.tree = tree
        reader = meta.kind.exportsAsZip
            ? .gait(StoredGaitPack(kind: meta.kind, tree: tree, repository: repository))
            : .directory(DirectoryPack(kind: meta.kind, tree: tree, repository: repository))
    }
}

/// One of gait's artifacts in the store. Its archive is listed only when asked for: listing costs
/// a size lookup per file, and a diff of two stored PackSpec packs needs only their manifests.
public struct StoredGaitPack {
    public let kind: PackKind
    public let tree: GitOID
    let repository: GitRepository

    /// The tree as an archive, for `PackVerifier`, `PackInspector` and `PackDiff`. `knownDigests`:
    /// SHA-256s the caller has just computed from these blobs (fsck, pull), not hashed again.
    public func archive(knownDigests: [GitOID: SHA256Digest] = [:]) throws -> StoredPackArchive {
        try StoredPackArchive(repository: repository, tree: tree, knownDigests: knownDigests)
    }

    /// This pack's side of a diff against another stored pack, whose tree diff finds the changed
    /// files. A PackSpec pack's manifest is read straight from its tree; the tree is listed as an
    /// archive only when more than the manifest is needed.
    func manifestSide() throws -> PackDiff.Side {
        guard kind == .packSpec, let entry = try repository.treeEntry(tree, path: PackManifest.fileName) else {
            return try PackDiff.side(archive: try archive())
        }
        let raw = try repository.readBlob(entry.oid)
        return try PackDiff.side(manifest: try PackManifest.parse(raw), manifestBytes: raw) { try archive() }
    }
}

extension Store {
    /// A stored pack of any kind, ready to read as its kind requires.
    public func storedPack(_ id: String) throws -> StoredPack {
        try storedPack(id, in: try catalogTree())
    }

    /// The same, in a catalog tree already read.
    public func storedPack(_ id: String, in catalog: GitOID?) throws -> StoredPack {
        guard let meta = try meta(id, in: catalog), let packTree = try packTree(id, in: catalog) else {
            throw FormatError.invalid("unknown pack id \(id)")
        }
        return storedPack(meta, tree: packTree)
    }

    /// The same for a pack whose metadata and tree are already read (fsck and pull walk them all).
    public func storedPack(_ meta: PackMeta, tree: GitOID) -> StoredPack {
        StoredPack(meta: meta, tree: tree, repository: repository)
    }
}
