extension Store {
    /// A stored gait pack (PackSpec, runpack, evidence pack) as an archive the verifier can read.
    public func archive(_ id: String) throws -> StoredPackArchive {
        let tree = try catalogTree()
        guard let meta = try meta(id, in: tree), let packTree = try packTree(id, in: tree) else {
            throw FormatError.invalid("unknown pack id \(id)")
        }
        guard meta.kind.exportsAsZip else {
            throw FormatError.invalid("pack \(id) is a \(meta.kind.rawValue); this command reads gait packs")
        }
        return try StoredPackArchive(repository: repository, tree: packTree)
    }

    /// `pack diff` of two stored packs: identities and context from their manifests, file changes
    /// from libgit2's tree-to-tree diff (content-addressed trees, so equal files are skipped unread).
    public func diff(_ left: String, _ right: String) throws -> PackDiff.Result {
        let tree = try catalogTree()
        guard let leftTree = try packTree(left, in: tree), let rightTree = try packTree(right, in: tree) else {
            throw FormatError.invalid("unknown pack id \(try packTree(left, in: tree) == nil ? left : right)")
        }
        var leftSide = try PackDiff.side(archive: try archive(left))
        var rightSide = try PackDiff.side(archive: try archive(right))
        // The tree diff decides which files changed; the sides keep only what identifies the packs.
        leftSide.files = [:]
        rightSide.files = [:]
        var result = try PackDiff.diff(leftSide, rightSide)
        let manifests: Set<String> = [PackManifest.fileName, "manifest.json"]
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
