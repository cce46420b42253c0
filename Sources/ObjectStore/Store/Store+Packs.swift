extension Store {
    /// A stored pack of any kind: its metadata and its tree.
    public func storedPack(_ id: String) throws -> (meta: PackMeta, tree: GitOID) {
        try storedPack(id, in: try catalogTree())
    }

    /// The same, in a catalog tree already read.
    public func storedPack(_ id: String, in catalog: GitOID?) throws -> (meta: PackMeta, tree: GitOID) {
        guard let meta = try meta(id, in: catalog), let packTree = try packTree(id, in: catalog) else {
            throw FormatError.invalid("unknown pack id \(id)")
        }
        return (meta, packTree)
    }

    /// `pack diff` of two stored packs: identities and context from their manifests, file changes
    /// from libgit2's tree-to-tree diff (content-addressed trees, so equal files are skipped unread).
    /// Both must be gait packs, or both of the same directory kind.
    public func diff(_ left: String, _ right: String) throws -> PackDiff.Result {
        let catalog = try catalogTree()
        let (leftMeta, leftTree) = try storedPack(left, in: catalog)
        let (rightMeta, rightTree) = try storedPack(right, in: catalog)
        return try diff((left, leftMeta.kind, leftTree), (right, rightMeta.kind, rightTree))
    }

    /// The same for packs already looked up: `name` is what errors call each one.
    public func diff(_ left: (name: String, kind: PackKind, tree: GitOID),
                     _ right: (name: String, kind: PackKind, tree: GitOID)) throws -> PackDiff.Result {
        try PackKind.checkComparable(left.kind, left.name, right.kind, right.name)
        let (leftTree, rightTree) = (left.tree, right.tree)
        var leftSide: PackDiff.Side, rightSide: PackDiff.Side
        var manifests: Set<String>
        if left.kind.exportsAsZip {
            leftSide = try gaitDiffSide(left.kind, tree: leftTree)
            rightSide = try gaitDiffSide(right.kind, tree: rightTree)
            manifests = [PackManifest.fileName, "manifest.json"]
        } else {
            let leftPack = try DirectoryPack(store: self, kind: left.kind, tree: leftTree)
            let rightPack = try DirectoryPack(store: self, kind: right.kind, tree: rightTree)
            leftSide = try leftPack.diffSide(hashingFiles: false)
            rightSide = try rightPack.diffSide(hashingFiles: false)
            manifests = [try leftPack.manifestPath(), try rightPack.manifestPath()]
        }
        // The tree diff decides which files changed; the sides keep only what identifies the packs.
        leftSide.files = [:]
        rightSide.files = [:]
        var result = try PackDiff.diff(leftSide, rightSide)
        for change in try repository.diffTrees(leftTree, rightTree) where !manifests.contains(change.path) {
            switch change.kind {
            case .added: result.added.append(change.path)
            case .deleted: result.removed.append(change.path)
            case .modified: result.changedFiles.append(change.path)
            }
        }
        result.added.sort(by: bytewise)
        result.removed.sort(by: bytewise)
        result.changedFiles.sort(by: bytewise)
        return result
    }
}

extension Store {
    /// A gait pack's side of a diff. A PackSpec pack's manifest is read straight from its tree;
    /// the tree is listed as an archive only when more than the manifest is needed.
    private func gaitDiffSide(_ kind: PackKind, tree: GitOID) throws -> PackDiff.Side {
        let archive = { try StoredPackArchive(repository: self.repository, tree: tree) }
        guard kind == .packSpec, let entry = try repository.treeEntry(tree, path: PackManifest.fileName) else {
            return try PackDiff.side(archive: try archive())
        }
        let raw = try repository.readBlob(entry.oid)
        return try PackDiff.side(manifest: try PackManifest.parse(raw), manifestBytes: raw, archive: archive)
    }
}

extension PackKind {
    /// What a user calls this kind in a message: gait's artifacts are all "gait pack"s to `pack diff`.
    public var family: String { exportsAsZip ? "gait pack" : rawValue }

    /// `pack diff` compares gait packs with gait packs, and a directory kind only with itself.
    public static func checkComparable(_ left: PackKind, _ leftName: String, _ right: PackKind, _ rightName: String) throws {
        guard left.family != right.family else { return }
        throw FormatError.invalid("cannot diff a \(left.family) (\(leftName)) against a \(right.family) (\(rightName))")
    }
}
