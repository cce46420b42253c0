import CGit2

extension GitRepository {
    /// Records a remote in the repository's config (`remote.<name>.url`, and git's default fetch
    /// refspec), exactly as `git remote add` does, so stock git lists and uses it too.
    ///
    /// - Throws: `GitRemoteError.invalidName`, `.invalidURL`, `.remoteExists`.
    public func addRemote(name: String, url: String) throws {
        guard Self.isValidRemoteName(name) else { throw GitRemoteError.invalidName(name) }
        guard Self.isPlausibleURL(url) else { throw GitRemoteError.invalidURL(url) }
        var remote: OpaquePointer?
        let code = git_remote_create(&remote, handle, name, url)
        if code == GIT_EEXISTS.rawValue { throw GitRemoteError.remoteExists(name) }
        try gitCheck(code, "add remote \(name)")
        git_remote_free(remote)
    }

    /// Deletes a remote's configuration and its remote-tracking refs, as `git remote remove` does.
    ///
    /// - Throws: `GitRemoteError.unknownRemote` when no such remote is configured.
    public func removeRemote(name: String) throws {
        guard Self.isValidRemoteName(name) else { throw GitRemoteError.invalidName(name) }
        let code = git_remote_delete(handle, name)
        if code == GIT_ENOTFOUND.rawValue { throw GitRemoteError.unknownRemote(name) }
        try gitCheck(code, "remove remote \(name)")
    }

    /// Every configured remote with its URL, sorted by name.
    public func remotes() throws -> [(name: String, url: String)] {
        var names = git_strarray()
        try gitCheck(git_remote_list(&names, handle), "list remotes of \(path)")
        defer { git_strarray_dispose(&names) }
        var found = [(name: String, url: String)]()
        for index in 0..<names.count {
            let name = String(cString: names.strings[index]!)
            if let url = try remoteURL(name) { found.append((name, url)) }
        }
        found.sort { pathPrecedes($0.name, $1.name) }
        return found
    }

    /// The URL a configured remote fetches from; nil when no such remote is configured.
    public func remoteURL(_ name: String) throws -> String? {
        guard Self.isValidRemoteName(name) else { throw GitRemoteError.invalidName(name) }
        var remote: OpaquePointer?
        let code = git_remote_lookup(&remote, handle, name)
        if code == GIT_ENOTFOUND.rawValue { return nil }
        try gitCheck(code, "read remote \(name)")
        defer { git_remote_free(remote) }
        return git_remote_url(remote).map { String(cString: $0) }
    }

    /// git's rule for remote names (`git remote add` refuses the same ones): a name that makes
    /// a valid `refs/remotes/<name>/*` refspec.
    public static func isValidRemoteName(_ name: String) -> Bool {
        GitLibrary.ensureInitialized()
        guard !name.isEmpty, !name.utf8.contains(0) else { return false }
        var valid: Int32 = 0
        guard git_remote_name_is_valid(&valid, name) == 0 else { return false }
        return valid == 1
    }

    /// A URL or path that can be stored in git's config and handed to a transport: not empty,
    /// no control characters (a newline would break the config file's line structure).
    /// The URL schemes Debian's libgit2 1.5 speaks (a path or `user@host:path` needs none).
    static let supportedSchemes: Set<String> = ["file", "git", "ssh", "ssh+git", "git+ssh", "http", "https"]

    /// Refuses, before any connection, what can only be a mistake: control characters, or a
    /// scheme libgit2 does not speak (it would report that as a network failure).
    static func isPlausibleURL(_ url: String) -> Bool {
        guard !url.isEmpty, !url.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return false }
        guard let separator = url.range(of: "://") else { return true }
        return supportedSchemes.contains(url[..<separator.lowerBound].lowercased())
    }
}
