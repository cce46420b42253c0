extension Store {
    /// `pack diff` of two stored packs: identities and context from their manifests, file changes
    /// from libgit2's tree-to-tree diff (content-addressed trees, so equal files are skipped unread).
    /// Both must be gait packs, or both of the same directory kind.
    public func diff(_ left: String, _ right: String) throws -> PackDiff.Result {
        let catalog = try catalogTree()
        return try diff((left, try storedPack(left, in: catalog)), (right, try storedPack(right, in: catalog)))
    }

    /// The same for packs already opened: `name` is what errors call each one.
    public func diff(_ left: (name: String, pack: StoredPack),
                     _ right: (name: String, pack: StoredPack)) throws -> PackDiff.Result {
        var leftSide: PackDiff.Side, rightSide: PackDiff.Side
        var manifests: Set<String>
        switch (left.pack.reader, right.pack.reader) {
        case let (.gait(leftPack), .gait(rightPack)):
            leftSide = try leftPack.manifestSide()
            rightSide = try rightPack.manifestSide()
            manifests = [PackManifest.fileName, "manifest.json"]
        case let (.directory(leftPack), .directory(rightPack)) where leftPack.kind == rightPack.kind:
            let leftRead = try leftPack.diffSide(of: try leftPack.files(), hashingFiles: false)
            let rightRead = try rightPack.diffSide(of: try rightPack.files(), hashingFiles: false)
            (leftSide, rightSide) = (leftRead.side, rightRead.side)
            manifests = [leftRead.manifestPath, rightRead.manifestPath]
        default:
            throw PackKind.incomparable(left.pack.kind, left.name, right.pack.kind, right.name)
        }
        // The tree diff decides which files changed; the sides keep only what identifies the packs.
        leftSide.files = [:]
        rightSide.files = [:]
        var result = try PackDiff.diff(leftSide, rightSide)
        for change in try repository.diffTrees(left.pack.tree, right.pack.tree) where !manifests.contains(change.path) {
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

extension PackKind {
    /// What a user calls this kind in a message: gait's artifacts are all "gait pack"s to `pack diff`.
    public var family: String { exportsAsZip ? "gait pack" : rawValue }

    /// `pack diff` compares gait packs with gait packs, and a directory kind only with itself.
    public static func checkComparable(_ left: PackKind, _ leftName: String, _ right: PackKind, _ rightName: String) throws {
        guard left.family != right.family else { return }
        throw incomparable(left, leftName, right, rightName)
    }

    /// Why two packs of different families cannot be diffed.
    static func incomparable(_ left: PackKind, _ leftName: String, _ right: PackKind, _ rightName: String) -> FormatError {
        FormatError.invalid("cannot diff a \(left.family) (\(leftName)) against a \(right.family) (\(rightName))")
    }
}
