import CGit2
import Foundation

extension GitRepository {
    /// The remote's references whose names start with `prefix`, as `git ls-remote` lists them
    /// (peeled tags `^{}` included), sorted by name. Only the ref advertisement is read; no
    /// objects are fetched.
    ///
    /// `remoteOrURL` is a configured remote's name or a URL / path used anonymously. ssh://
    /// remotes authenticate with ssh-agent (`SSH_AUTH_SOCK`) first, then the key file named by
    /// `GAITSTORE_SSH_KEY`; https goes through libgit2's own stack.
    public func listRemoteReferences(_ remoteOrURL: String, prefix: String) throws -> [(name: String, oid: GitOID)] {
        let session = try GitRemoteSession.open(remoteOrURL, in: self)
        var callbacks = session.makeCallbacks()
        try session.run("connect to \(remoteOrURL)") {
            git_remote_connect(session.remote, GIT_DIRECTION_FETCH, &callbacks, nil, nil)
        }
        defer { _ = git_remote_disconnect(session.remote) }
        return try session.advertisedReferences()
            .filter { $0.name.hasPrefix(prefix) }
            .sorted { pathPrecedes($0.name, $1.name) }
    }

    /// Fetches `refspecs` from `remoteOrURL` and returns the local refs that moved, sorted by
    /// name, with their old and new ids. Globs work (e.g.
    /// `+refs/gaitstore/*:refs/gaitstore-quarantine/origin/*`).
    ///
    /// A refspec without `+` moves a local ref only forward: a ref that would not fast-forward
    /// is left as it was (libgit2 skips it silently, so it is simply absent from the result).
    /// No tags are followed, nothing is pruned, nothing is written to FETCH_HEAD (libgit2 1.5
    /// still creates it, empty). A fetch from a configured remote also moves that remote's tracking refs for
    /// what it fetched (as git does); those are in the result too.
    ///
    /// `progress` receives object and byte counts while the pack arrives. Credentials as for
    /// `listRemoteReferences`. Paths and file:// URLs are fetched by gaitstore itself
    /// (`GitLocalFetch`), copying stored objects instead of running libgit2's pack builder.
    public func fetch(_ remoteOrURL: String, refspecs: [String],
                      progress: ((GitTransferProgress) -> Void)?) throws -> [GitFetchedRef] {
        for refspec in refspecs {
            try Self.checkFetchRefspec(refspec)
        }
        guard !refspecs.isEmpty else { return [] }
        let session = try GitRemoteSession.open(remoteOrURL, in: self)
        session.progress = progress
        if let path = try GitRemoteSession.localRepositoryPath(forURL: session.url) {
            return try GitLocalFetch(into: self, sourcePath: path, session: session).fetch(refspecs)
                .sorted { pathPrecedes($0.name, $1.name) }
        }
        var options = git_fetch_options()
        try gitCheck(git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION)), "prepare fetch")
        options.callbacks = session.makeCallbacks()
        options.prune = GIT_FETCH_NO_PRUNE
        options.update_fetchhead = 0
        options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE
        try withStringArray(refspecs) { array in
            try session.run("fetch from \(remoteOrURL)") {
                git_remote_fetch(session.remote, array, &options, "gaitstore: fetch from \(remoteOrURL)")
            }
        }
        return session.updatedTips.sorted { pathPrecedes($0.name, $1.name) }
    }

    private static func checkFetchRefspec(_ refspec: String) throws {
        guard !refspec.utf8.contains(0) else { throw GitRemoteError.invalidRefspec(refspec, reason: "contains NUL") }
        GitLibrary.ensureInitialized()
        var parsed: OpaquePointer?
        guard git_refspec_parse(&parsed, refspec, 1) == 0 else {
            throw GitRemoteError.invalidRefspec(refspec, reason: GitError.last(code: -1, operation: "").message)
        }
        git_refspec_free(parsed)
    }
}

/// Lends `strings` to libgit2 as a `git_strarray` for the duration of `body`.
func withStringArray<Result>(_ strings: [String], _ body: (UnsafePointer<git_strarray>) throws -> Result) rethrows -> Result {
    var pointers = strings.map { strdup($0) }
    defer { pointers.forEach { free($0) } }
    return try pointers.withUnsafeMutableBufferPointer { buffer in
        var array = git_strarray(strings: buffer.baseAddress, count: buffer.count)
        return try body(&array)
    }
}
