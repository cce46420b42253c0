import CGit2
import Foundation

/// One libgit2 remote opened for a single fetch, push or listing, with the state its C
/// callbacks share. Freed (and so disconnected) with this value.
///
/// libgit2 runs every callback on the thread that made the call, so the state needs no lock;
/// the session must simply outlive the call, which `run` guarantees.
final class GitRemoteSession {
    let remote: OpaquePointer
    /// What the caller named, a configured remote or a URL, for error messages.
    let label: String

    var progress: ((GitTransferProgress) -> Void)?
    /// Refs libgit2 moved locally during a fetch.
    private(set) var updatedTips = [GitFetchedRef]()
    /// The remote's verdict on each pushed ref, in the order reported: a nil rejection is "ok".
    private(set) var pushStatuses = [(ref: String, rejection: String?)]()
    let credentials = GitSSHCredentials()
    /// The object each remote ref is to receive, as judged before the upload. libgit2 resolves
    /// push sources again by itself; should a local ref have moved in between, the negotiation
    /// callback stops the push before anything is sent.
    var expectedPushes = [String: GitOID]()
    /// The local ref that moved, when the negotiation callback stopped a push.
    private(set) var movedPushSource: String?
    /// Why the ssh host key was refused, when the certificate check stopped the connection.
    var hostKeyProblem: String?
    /// Set before connecting when gaitstore is to speak on the connection itself (`GitSmartPush`).
    var smartConnection: GitSmartConnection?

    private init(remote: OpaquePointer, label: String) {
        self.remote = remote
        self.label = label
    }

    deinit { git_remote_free(remote) }

    /// Opens `remoteOrURL` as git does: a configured remote's name first, else a URL or path.
    /// A bare word that is neither a remote nor an existing directory is reported as such,
    /// rather than as libgit2's "unsupported URL protocol".
    static func open(_ remoteOrURL: String, in repository: GitRepository) throws -> GitRemoteSession {
        guard GitRepository.isPlausibleURL(remoteOrURL) else { throw GitRemoteError.invalidURL(remoteOrURL) }
        var remote: OpaquePointer?
        if GitRepository.isValidRemoteName(remoteOrURL) {
            let code = git_remote_lookup(&remote, repository.handle, remoteOrURL)
            if code == 0 { return try GitRemoteSession(remote: remote!, label: remoteOrURL).preparingTLS() }
            if code != GIT_ENOTFOUND.rawValue { try gitCheck(code, "read remote \(remoteOrURL)") }
        }
        if !remoteOrURL.contains(":") {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: remoteOrURL, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw GitRemoteError.unknownRemote(remoteOrURL)
            }
        }
        try gitCheck(git_remote_create_anonymous(&remote, repository.handle, remoteOrURL), "open remote \(remoteOrURL)")
        return try GitRemoteSession(remote: remote!, label: remoteOrURL).preparingTLS()
    }

    /// Loads the CA file the environment names before the first https connection.
    private func preparingTLS() throws -> GitRemoteSession {
        if GitTLSTrust.isTLS(url) || GitTLSTrust.isTLS(pushURL) { try GitTLSTrust.configure() }
        return self
    }

    /// Where a fetch or listing goes (after `insteadOf` rewriting).
    var url: String {
        git_remote_url(remote).map { String(cString: $0) } ?? label
    }

    /// Where a push goes: `remote.<name>.pushurl` when configured, else the URL (both after
    /// git's `insteadOf` rewriting, which libgit2 applies).
    var pushURL: String {
        (git_remote_pushurl(remote) ?? git_remote_url(remote)).map { String(cString: $0) } ?? label
    }

    /// The directory a URL names when libgit2 would use its local transport for it, else nil.
    /// libgit2's rule on POSIX: `file://` URLs, and anything else without a `:` (with a `:` it is
    /// an ssh address, scp-style, or another scheme).
    static func localRepositoryPath(forURL url: String) throws -> String? {
        guard url.lowercased().hasPrefix("file://") else { return url.contains(":") ? nil : url }
        var rest = Substring(url.dropFirst("file://".count))
        if rest.lowercased().hasPrefix("localhost/") { rest = rest.dropFirst("localhost".count) }
        guard rest.hasPrefix("/"), let path = String(rest).removingPercentEncoding else {
            throw GitRemoteError.invalidURL(url)
        }
        return path
    }

    /// Runs a libgit2 call that may invoke the callbacks, keeping the session alive meanwhile,
    /// and turns a failure into the most helpful error: ours when a callback stopped the call
    /// (a pushed ref moved, every ssh credential was refused), else libgit2's.
    func run(_ operation: @autoclosure () -> String, _ body: () -> Int32) throws {
        let code = withExtendedLifetime(self) { body() }
        guard code < 0 else { return }
        let error = GitError.last(code: code, operation: operation())
        if let movedPushSource { throw GitRemoteError.pushSourceMoved(movedPushSource) }
        if let hostKeyProblem { throw GitRemoteError.unknownHostKey(hostKeyProblem) }
        if code == GIT_ECERTIFICATE.rawValue, GitTLSTrust.isTLS(url) || GitTLSTrust.isTLS(pushURL) {
            let shown = GitTLSTrust.isTLS(url) ? url : pushURL
            throw GitRemoteError.untrustedCertificate(shown, problem: GitTLSTrust.explainRefusal(error.message, url: shown))
        }
        if credentials.exhausted {
            throw GitRemoteError.authenticationFailed(label, tried: credentials.tried)
        }
        throw error
    }

    /// Callbacks that route libgit2's reports into this session.
    func makeCallbacks() -> git_remote_callbacks {
        var callbacks = git_remote_callbacks()
        git_remote_init_callbacks(&callbacks, UInt32(GIT_REMOTE_CALLBACKS_VERSION))
        callbacks.payload = Unmanaged.passUnretained(self).toOpaque()
        if smartConnection != nil {
            callbacks.transport = { out, owner, payload in
                guard let connection = GitRemoteSession.from(payload).smartConnection else { return -1 }
                return git_transport_smart(out, owner, UnsafeMutableRawPointer(connection.definition))
            }
        }
        callbacks.credentials = { out, _, username, allowed, payload in
            GitRemoteSession.from(payload).credentials.provide(out, usernameFromURL: username, allowedTypes: allowed)
        }
        callbacks.certificate_check = { cert, _, host, payload in
            let session = GitRemoteSession.from(payload)
            let (result, problem) = GitKnownHosts.callbackResult(cert, host: host, url: session.url)
            if let problem { session.hostKeyProblem = problem }
            return result
        }
        callbacks.transfer_progress = { stats, payload in
            if let stats { GitRemoteSession.from(payload).progress?(GitTransferProgress(stats.pointee)) }
            return 0
        }
        callbacks.push_transfer_progress = { current, total, bytes, payload in
            GitRemoteSession.from(payload).progress?(GitTransferProgress(
                receivedObjects: Int(current), totalObjects: Int(total), indexedObjects: 0, receivedBytes: bytes))
            return 0
        }
        callbacks.push_update_reference = { refname, status, payload in
            guard let refname else { return 0 }
            GitRemoteSession.from(payload).pushStatuses.append((String(cString: refname), status.map { String(cString: $0) }))
            return 0
        }
        callbacks.push_negotiation = { updates, count, payload in
            let session = GitRemoteSession.from(payload)
            for index in 0..<count {
                guard let update = updates?[index]?.pointee, let destination = update.dst_refname,
                      let expected = session.expectedPushes[String(cString: destination)],
                      GitOID(update.dst) != expected else { continue }
                session.movedPushSource = update.src_refname.map { String(cString: $0) } ?? String(cString: destination)
                _ = git_error_set_str(Int32(GIT_ERROR_REFERENCE.rawValue), "a pushed reference moved during the push")
                return -1
            }
            return 0
        }
        callbacks.update_tips = { refname, old, new, payload in
            guard let refname, let new, !GitOID(new).isZero else { return 0 }
            let previous = old.map(GitOID.init).flatMap { $0.isZero ? nil : $0 }
            GitRemoteSession.from(payload).updatedTips.append(
                GitFetchedRef(name: String(cString: refname), old: previous, new: GitOID(new)))
            return 0
        }
        return callbacks
    }

    private static func from(_ payload: UnsafeMutableRawPointer?) -> GitRemoteSession {
        Unmanaged<GitRemoteSession>.fromOpaque(payload!).takeUnretainedValue()
    }

    /// The refs the remote advertised on the open connection, peeled tags (`^{}`) included and
    /// placeholder zero ids (an empty repository's capabilities line) left out.
    func advertisedReferences() throws -> [(name: String, oid: GitOID)] {
        var heads: UnsafeMutablePointer<UnsafePointer<git_remote_head>?>?
        var count = 0
        try run("list references of \(label)") { git_remote_ls(&heads, &count, remote) }
        var found = [(name: String, oid: GitOID)]()
        for index in 0..<count {
            guard let head = heads?[index]?.pointee else { continue }
            let oid = GitOID(head.oid)
            if !oid.isZero { found.append((String(cString: head.name), oid)) }
        }
        return found
    }
}

extension GitOID {
    /// The all-zero id, which libgit2 uses for "no object" (a ref that does not exist).
    var isZero: Bool { bytes.allSatisfy { $0 == 0 } }
}
