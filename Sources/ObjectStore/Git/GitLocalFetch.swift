import CGit2

/// A fetch from a repository on this machine (a path or a file:// URL), done here rather than by
/// libgit2's local transport, which builds its pack with a fresh delta search over every object:
/// minutes for a store of a few hundred megabytes, where copying the stored bytes takes seconds.
///
/// It behaves as `GitRepository.fetch` documents for every transport: refspecs with globs, `+`
/// to allow any move, otherwise fast-forwards only (others skipped silently), a configured
/// remote's tracking refs moved for what was fetched, nothing pruned, no tags followed. Objects
/// land (`GitLocalObjectTransfer`) before any local ref moves.
struct GitLocalFetch {
    private let local: GitRepository
    private let source: GitRepository
    private let session: GitRemoteSession

    init(into local: GitRepository, sourcePath: String, session: GitRemoteSession) throws {
        self.local = local
        self.source = try GitRepository.open(at: sourcePath)
        self.session = session
    }

    func fetch(_ refspecs: [String]) throws -> [GitFetchedRef] {
        var advertised = try source.references(withPrefix: "refs/")
        if let head = try? source.resolveReference("HEAD") { advertised.append(("HEAD", head)) }

        var updates = [(name: String, new: GitOID, force: Bool)]()
        var fetchedNames = [String]()
        for refspec in refspecs {
            try Self.withParsedRefspec(refspec) { spec in
                // A refspec without a destination moves no ref (it would only fill FETCH_HEAD).
                guard let destination = git_refspec_dst(spec), destination.pointee != 0 else { return }
                for (name, oid) in advertised where git_refspec_src_matches(spec, name) == 1 {
                    updates.append((try Self.transform(name, by: spec), oid, git_refspec_force(spec) != 0))
                    fetchedNames.append(name)
                }
            }
        }
        guard !updates.isEmpty else { return [] }
        updates += try trackingUpdates(for: fetchedNames, advertised: advertised, excluding: Set(updates.map(\.name)))

        try GitLocalObjectTransfer(source: source, destination: local, label: session.label, progress: session.progress)
            .send(reachableFrom: Array(Set(updates.map(\.new))))

        var moved = [GitFetchedRef]()
        for update in updates {
            let old = try local.resolveReference(update.name)
            guard old != update.new else { continue }
            if let old, !update.force, try !local.isAncestor(old, of: update.new) { continue }
            try local.updateReference(update.name, to: update.new, expected: old, message: "gaitstore: fetch from \(session.label)")
            moved.append(GitFetchedRef(name: update.name, old: old, new: update.new))
        }
        return moved
    }

    /// A configured remote's own fetch refspecs applied to what was fetched, as git and libgit2
    /// keep remote-tracking refs current ("opportunistic" updates).
    private func trackingUpdates(for fetched: [String], advertised: [(name: String, oid: GitOID)],
                                 excluding explicit: Set<String>) throws -> [(name: String, new: GitOID, force: Bool)] {
        guard git_remote_name(session.remote) != nil else { return [] }
        let oids = Dictionary(advertised.map { ($0.name, $0.oid) }, uniquingKeysWith: { first, _ in first })
        var updates = [(name: String, new: GitOID, force: Bool)]()
        for index in 0..<git_remote_refspec_count(session.remote) {
            guard let spec = git_remote_get_refspec(session.remote, index), git_refspec_direction(spec) == GIT_DIRECTION_FETCH else { continue }
            for name in fetched where git_refspec_src_matches(spec, name) == 1 {
                let tracking = try Self.transform(name, by: spec)
                if !explicit.contains(tracking), let oid = oids[name] {
                    updates.append((tracking, oid, git_refspec_force(spec) != 0))
                }
            }
        }
        return updates
    }

    private static func withParsedRefspec(_ refspec: String, _ body: (OpaquePointer) throws -> Void) throws {
        var parsed: OpaquePointer?
        guard git_refspec_parse(&parsed, refspec, 1) == 0, let parsed else {
            throw GitRemoteError.invalidRefspec(refspec, reason: GitError.last(code: -1, operation: "").message)
        }
        defer { git_refspec_free(parsed) }
        try body(parsed)
    }

    private static func transform(_ name: String, by spec: OpaquePointer) throws -> String {
        var buffer = git_buf()
        defer { git_buf_dispose(&buffer) }
        try gitCheck(git_refspec_transform(&buffer, spec, name), "map \(name) through a refspec")
        return String(cString: buffer.ptr)
    }
}
