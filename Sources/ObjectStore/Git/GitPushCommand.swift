import CGit2

/// One push refspec, resolved locally before anything is sent. The push later makes sure the
/// object it sends is the one judged here (see `GitRemoteSession.expectedPushes`).
struct GitPushCommand {
    let refspec: String
    /// The local reference pushed; nil deletes the remote ref. libgit2 1.5 pushes from
    /// references only (its `calculate_work` resolves the source as a ref name, not a revision).
    let source: String?
    let destination: String
    /// What the remote ref should become; nil deletes it.
    let new: GitOID?
    let force: Bool

    init(parsing refspec: String, in repository: GitRepository) throws {
        guard !refspec.utf8.contains(0) else { throw GitRemoteError.invalidRefspec(refspec, reason: "contains NUL") }
        var parsed: OpaquePointer?
        guard git_refspec_parse(&parsed, refspec, 0) == 0 else {
            throw GitRemoteError.invalidRefspec(refspec, reason: GitError.last(code: -1, operation: "").message)
        }
        defer { git_refspec_free(parsed) }
        let source = git_refspec_src(parsed).map { String(cString: $0) } ?? ""
        let destination = git_refspec_dst(parsed).map { String(cString: $0) } ?? ""
        guard !source.contains("*") && !destination.contains("*") else { throw GitRemoteError.globInPushRefspec(refspec) }
        guard destination.hasPrefix("refs/"), GitRepository.isValidReferenceName(destination) else {
            throw GitRemoteError.invalidRefspec(refspec, reason: "\(destination) is not a full reference name (refs/...)")
        }
        if source.isEmpty {
            self.source = nil
            new = nil
        } else {
            guard GitRepository.isValidReferenceName(source), let resolved = try repository.resolveReference(source) else {
                throw GitRemoteError.unknownPushSource(source, refspec: refspec)
            }
            self.source = source
            new = resolved
        }
        self.refspec = refspec
        self.destination = destination
        self.force = git_refspec_force(parsed) != 0
    }

    /// The refspec handed to libgit2, in its canonical form.
    var canonicalRefspec: String { (force ? "+" : "") + (source ?? "") + ":" + destination }

    /// Why the remote ref, holding `current`, must not take this update; nil when it may.
    ///
    /// Without `+`, the remote ref may only move forward: its commit must be known here and be an
    /// ancestor of the pushed one. git enforces this on the server only for `refs/heads/*`
    /// (`receive.denyNonFastForwards`), so it is enforced here, on every transport.
    func rejection(current: GitOID?, in repository: GitRepository) -> String? {
        guard let new else { return current == nil ? GitPushResult.remoteRefMissing : nil }
        guard !force, let current, current != new else { return nil }
        guard repository.contains(current) else { return GitPushResult.fetchFirst }
        let fastForward = (try? repository.isAncestor(current, of: new)) ?? false
        return fastForward ? nil : GitPushResult.nonFastForward
    }
}
