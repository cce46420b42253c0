import CGit2

/// One file that differs between two trees.
public struct TreeChange: Hashable, Sendable {
    public enum Kind: Hashable, Sendable { case added, deleted, modified }

    public let kind: Kind
    /// Full slash-separated path of the file.
    public let path: String
    /// The blob before the change; nil when the file was added.
    public let oldOID: GitOID?
    /// The blob after the change; nil when the file was deleted.
    public let newOID: GitOID?

    public init(kind: Kind, path: String, oldOID: GitOID?, newOID: GitOID?) {
        self.kind = kind
        self.path = path
        self.oldOID = oldOID
        self.newOID = newOID
    }
}

extension GitRepository {
    /// The files that differ from tree `a` to tree `b`, recursively, in path order, as
    /// `git diff-tree -r a b` lists them. A nil side is the empty tree.
    ///
    /// Renames are not detected: a moved file is a deletion plus an addition. A file replaced by
    /// a directory of the same name is likewise a deletion plus additions. A change of mode only
    /// (blob to executable) is a modification with equal ids.
    public func diffTrees(_ a: GitOID?, _ b: GitOID?) throws -> [TreeChange] {
        let old = try a.map(lookupTree)
        defer { git_tree_free(old) }
        let new = try b.map(lookupTree)
        defer { git_tree_free(new) }
        var diff: OpaquePointer?
        try gitCheck(git_diff_tree_to_tree(&diff, handle, old, new, nil),
                     "diff tree \(a?.hex ?? "(empty)") against \(b?.hex ?? "(empty)")")
        defer { git_diff_free(diff) }
        return (0..<git_diff_num_deltas(diff)).compactMap { index in
            TreeChange(git_diff_get_delta(diff, index)!.pointee)
        }
    }
}

extension TreeChange {
    /// nil for statuses a tree-to-tree diff without rename detection never produces.
    init?(_ delta: git_diff_delta) {
        let oldPath = String(cString: delta.old_file.path)
        let newPath = String(cString: delta.new_file.path)
        switch delta.status {
        case GIT_DELTA_ADDED:
            self.init(kind: .added, path: newPath, oldOID: nil, newOID: GitOID(delta.new_file.id))
        case GIT_DELTA_DELETED:
            self.init(kind: .deleted, path: oldPath, oldOID: GitOID(delta.old_file.id), newOID: nil)
        case GIT_DELTA_MODIFIED, GIT_DELTA_TYPECHANGE:
            self.init(kind: .modified, path: newPath, oldOID: GitOID(delta.old_file.id), newOID: GitOID(delta.new_file.id))
        default:
            return nil
        }
    }
}
