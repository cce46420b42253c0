import CGit2

extension GitRepository {
    /// True when `a` is `b` or one of its ancestors, as `git merge-base --is-ancestor a b` answers.
    public func isAncestor(_ a: GitOID, of b: GitOID) throws -> Bool {
        if a == b {
            try requireCommit(a)
            return true
        }
        let answer = b.withRaw { descendant in a.withRaw { ancestor in git_graph_descendant_of(handle, descendant, ancestor) } }
        try gitCheck(answer, "test whether \(a) is an ancestor of \(b)")
        return answer == 1
    }

    /// The best common ancestor of two commits, as `git merge-base a b` picks it; nil when the
    /// histories are unrelated.
    public func mergeBase(_ a: GitOID, _ b: GitOID) throws -> GitOID? {
        var base = git_oid()
        let code = a.withRaw { one in b.withRaw { two in git_merge_base(&base, handle, one, two) } }
        if code == GIT_ENOTFOUND.rawValue { return nil }
        try gitCheck(code, "find merge base of \(a) and \(b)")
        return GitOID(base)
    }

    /// The commits reachable from `tip`, newest first: every commit comes before its parents
    /// (topological order, ties broken by commit time).
    ///
    /// - Parameters:
    ///   - firstParentOnly: follow only first parents, the main line of a branch, as
    ///     `git rev-list --first-parent` does.
    ///   - excluding: leave out these commits and everything reachable from them, as
    ///     `git rev-list tip ^x` does: "what is new since x".
    public func commitLog(from tip: GitOID, firstParentOnly: Bool = false, excluding: [GitOID] = []) throws -> [GitOID] {
        var walk: OpaquePointer?
        try gitCheck(git_revwalk_new(&walk, handle), "start history walk")
        defer { git_revwalk_free(walk) }
        try gitCheck(git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_TIME.rawValue), "sort history walk")
        if firstParentOnly {
            try gitCheck(git_revwalk_simplify_first_parent(walk), "restrict history walk to first parents")
        }
        try tip.withRaw { try gitCheck(git_revwalk_push(walk, $0), "walk history of \(tip)") }
        for hidden in excluding {
            try hidden.withRaw { try gitCheck(git_revwalk_hide(walk, $0), "exclude history of \(hidden)") }
        }
        var commits = [GitOID]()
        var oid = git_oid()
        while true {
            let code = git_revwalk_next(&oid, walk)
            if code == GIT_ITEROVER.rawValue { break }
            try gitCheck(code, "walk history of \(tip)")
            commits.append(GitOID(oid))
        }
        return commits
    }
}
