import CGit2

extension GitRepository {
    /// The objects a receiver that has `haves` needs in order to hold `tips`, as git's own push and
    /// fetch choose them: every commit reachable from a tip but not from a have, and those commits'
    /// trees and blobs, minus what the haves' own trees already hold. Tags are followed to their
    /// targets. Haves this repository lacks are ignored (nothing can be learnt from them).
    ///
    /// Commits come first, newest first, then each commit's trees and blobs the first time they
    /// are met; nothing is listed twice.
    func objectsToSend(tips: [GitOID], haves: [GitOID]) throws -> [GitOID] {
        var walk: OpaquePointer?
        try gitCheck(git_revwalk_new(&walk, handle), "start history walk")
        defer { git_revwalk_free(walk) }

        var listing = ObjectListing(repository: self)
        for have in haves where contains(have) {
            try listing.markUninteresting(have, walk: walk)
        }
        for tip in tips {
            try listing.addTip(tip, walk: walk)
        }
        var oid = git_oid()
        while true {
            let code = git_revwalk_next(&oid, walk)
            if code == GIT_ITEROVER.rawValue { break }
            try gitCheck(code, "walk history")
            try listing.addCommit(GitOID(oid))
        }
        return listing.objects
    }
}

/// The state of one `objectsToSend` walk: what is listed, and what the receiver has.
private struct ObjectListing {
    let repository: GitRepository
    private(set) var objects = [GitOID]()
    private var listed = Set<GitOID>()
    private var uninteresting = Set<GitOID>()

    init(repository: GitRepository) {
        self.repository = repository
    }

    /// A have: its history is hidden from the walk, and its trees and blobs are not sent again.
    mutating func markUninteresting(_ oid: GitOID, walk: OpaquePointer?) throws {
        switch try type(of: oid) {
        case GIT_OBJECT_COMMIT:
            try oid.withRaw { try gitCheck(git_revwalk_hide(walk, $0), "walk history of \(oid)") }
            try markTreeUninteresting(try repository.commitTree(oid))
        case GIT_OBJECT_TREE:
            try markTreeUninteresting(oid)
        default:
            uninteresting.insert(oid)
        }
    }

    /// A tip: commits join the walk; tags are listed and followed; trees and blobs are listed.
    mutating func addTip(_ tip: GitOID, walk: OpaquePointer?) throws {
        var oid = tip
        while true {
            switch try type(of: oid) {
            case GIT_OBJECT_COMMIT:
                try oid.withRaw { try gitCheck(git_revwalk_push(walk, $0), "walk history of \(oid)") }
                return
            case GIT_OBJECT_TAG:
                list(oid)
                oid = try tagTarget(oid)
            case GIT_OBJECT_TREE:
                try addTree(oid)
                return
            default:
                if !uninteresting.contains(oid) { list(oid) }
                return
            }
        }
    }

    mutating func addCommit(_ commit: GitOID) throws {
        list(commit)
        try addTree(try repository.commitTree(commit))
    }

    private mutating func addTree(_ tree: GitOID) throws {
        guard !uninteresting.contains(tree), !listed.contains(tree) else { return }
        list(tree)
        for (entry, type) in try entries(of: tree) {
            if type == GIT_OBJECT_TREE {
                try addTree(entry)
            } else if !uninteresting.contains(entry) {
                list(entry)
            }
        }
    }

    private mutating func markTreeUninteresting(_ tree: GitOID) throws {
        guard uninteresting.insert(tree).inserted else { return }
        for (entry, type) in try entries(of: tree) {
            if type == GIT_OBJECT_TREE {
                try markTreeUninteresting(entry)
            } else {
                uninteresting.insert(entry)
            }
        }
    }

    private mutating func list(_ oid: GitOID) {
        if listed.insert(oid).inserted { objects.append(oid) }
    }

    /// A tree's subtrees and blobs with their types; submodule commits (gitlinks) are left out.
    private func entries(of tree: GitOID) throws -> [(GitOID, git_object_t)] {
        let object = try repository.lookupTree(tree)
        defer { git_tree_free(object) }
        return (0..<git_tree_entrycount(object)).compactMap { index in
            let entry = git_tree_entry_byindex(object, index)
            let type = git_tree_entry_type(entry)
            return type == GIT_OBJECT_TREE || type == GIT_OBJECT_BLOB ? (GitOID(git_tree_entry_id(entry)), type) : nil
        }
    }

    private func type(of oid: GitOID) throws -> git_object_t {
        var length = 0
        var type = GIT_OBJECT_INVALID
        try oid.withRaw { try gitCheck(git_odb_read_header(&length, &type, try repository.odb(), $0), "read object \(oid)") }
        return type
    }

    private func tagTarget(_ tag: GitOID) throws -> GitOID {
        var object: OpaquePointer?
        try tag.withRaw { try gitCheck(git_tag_lookup(&object, repository.handle, $0), "read tag \(tag)") }
        defer { git_tag_free(object) }
        return GitOID(git_tag_target_id(object))
    }
}
