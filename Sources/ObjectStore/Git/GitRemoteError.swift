/// Why a remote could not be configured, reached or used, beyond what libgit2 reports itself
/// (that arrives as `GitError`).
///
/// Per-ref refusals during a push are not errors: they come back as `GitPushResult.rejection`.
public enum GitRemoteError: Error, CustomStringConvertible, Equatable {
    case invalidName(String)
    case invalidURL(String)
    case remoteExists(String)
    case unknownRemote(String)
    case invalidRefspec(String, reason: String)
    /// libgit2 1.5 cannot expand globs when pushing; callers list the refs themselves.
    case globInPushRefspec(String)
    case duplicatePushDestination(String)
    case unknownPushSource(String, refspec: String)
    /// A pushed local reference moved between the fast-forward check and the upload; nothing
    /// was sent. Pushing again judges the new value.
    case pushSourceMoved(String)
    case nonBareDestination(String)
    /// Every credential gaitstore knows how to offer was refused (or none was available).
    case authenticationFailed(String, tried: [String])
    /// The ssh server's host key is not in known_hosts, or is revoked there.
    case unknownHostKey(String)
    /// The https server's certificate did not verify; the problem is already one line.
    case untrustedCertificate(String, problem: String)
    /// The CA file named by `GIT_SSL_CAINFO` or `SSL_CERT_FILE` could not be loaded.
    case unusableCAFile(String, variable: String, reason: String)

    /// The remote was reached but could not be trusted, would not let us in, or the transfer
    /// broke: an I/O failure (exit 1), unlike a malformed name or URL, which is bad input.
    public var isConnectionFailure: Bool {
        switch self {
        case .authenticationFailed, .unknownHostKey, .untrustedCertificate,
             .incompleteTransfer, .notConnected, .remoteUnpackFailed, .protocolError: return true
        default: return false
        }
    }
    /// An object meant to be copied to or from a repository on this machine is not there after
    /// the copy (a damaged pack); no reference was moved.
    case incompleteTransfer(String, missing: String)
    /// A push stream was asked for before the remote was connected (a bug in gaitstore).
    case notConnected
    /// The remote could not unpack what was pushed; no ref moved there.
    case remoteUnpackFailed(String, reason: String)
    /// The remote broke the push protocol (closed early, malformed packet).
    case protocolError(String, reason: String)

    public var description: String {
        switch self {
        case let .unknownHostKey(problem):
            return problem
        case let .untrustedCertificate(url, problem):
            return "cannot trust the certificate of \(url): \(problem)"
        case let .unusableCAFile(path, variable, reason):
            return "cannot load CA certificates from \(path) (named by \(variable)): \(reason)"
        case .notConnected:
            return "no connection to push on"
        case let .remoteUnpackFailed(label, reason):
            return "\(label) could not unpack the pushed objects: \(reason)"
        case let .protocolError(label, reason):
            return "push to \(label): \(reason)"
        case let .incompleteTransfer(label, missing):
            return "copying objects with \(label) left object \(missing) missing; no reference was moved"
        case let .invalidName(name):
            return "invalid remote name \"\(name)\""
        case let .invalidURL(url):
            return "invalid remote URL \"\(url)\" (a path, or file://, git://, ssh://, http:// or https://)"
        case let .remoteExists(name):
            return "remote \"\(name)\" already exists"
        case let .unknownRemote(name):
            return "\"\(name)\" is neither a configured remote nor a repository directory"
        case let .invalidRefspec(refspec, reason):
            return "invalid refspec \"\(refspec)\": \(reason)"
        case let .globInPushRefspec(refspec):
            return "push refspec \"\(refspec)\" has a glob; list the references to push one by one"
        case let .duplicatePushDestination(ref):
            return "more than one push refspec updates \(ref)"
        case let .unknownPushSource(source, refspec):
            return "push refspec \"\(refspec)\": \(source) is not a local reference"
        case let .pushSourceMoved(ref):
            return "local reference \(ref) moved while pushing; nothing was sent, push again"
        case let .nonBareDestination(path):
            return "cannot push to \(path): it is not a bare repository"
        case let .authenticationFailed(url, tried) where tried.isEmpty:
            return "cannot authenticate to \(url): no credentials (start ssh-agent or set GAITSTORE_SSH_KEY)"
        case let .authenticationFailed(url, tried):
            return "cannot authenticate to \(url): refused \(tried.joined(separator: ", "))"
        }
    }
}
