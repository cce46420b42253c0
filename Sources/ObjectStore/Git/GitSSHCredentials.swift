import CGit2
import Foundation

/// Answers libgit2's credential requests for ssh:// remotes, offering in turn:
/// 1. the keys held by ssh-agent, when `SSH_AUTH_SOCK` is set;
/// 2. the private key file named by `GAITSTORE_SSH_KEY`, when set (unencrypted; put an
///    encrypted key in ssh-agent instead), with `<file>.pub` beside it if present.
///
/// libgit2 asks again after each refusal, so each source is offered once. libgit2 speaks ssh
/// through libssh2, not the `ssh` binary: `~/.ssh/config` is not read, host keys are checked
/// against `~/.ssh/known_hosts`. Other URL kinds (https) get libgit2's own default behaviour.
final class GitSSHCredentials {
    private enum Source {
        case agent
        case keyFile(String)

        var label: String {
            switch self {
            case .agent: return "ssh-agent"
            case let .keyFile(path): return "key \(path)"
            }
        }
    }

    private let sources: [Source]
    private var nextSource = 0
    /// The sources offered so far, for the error message when all were refused.
    private(set) var tried: [String] = []
    /// True once libgit2 asked for a key and there was none left to offer.
    private(set) var exhausted = false

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        GitLibrary.ensureInitialized()
        var sources = [Source]()
        if let socket = environment["SSH_AUTH_SOCK"], !socket.isEmpty { sources.append(.agent) }
        if let key = environment["GAITSTORE_SSH_KEY"], !key.isEmpty { sources.append(.keyFile(key)) }
        self.sources = sources
        self.defaultUser = environment["USER"] ?? environment["LOGNAME"] ?? "git"
    }

    /// The login for URLs that name none, as the `ssh` command would use.
    private let defaultUser: String

    /// The body of libgit2's `credentials` callback.
    func provide(_ out: UnsafeMutablePointer<UnsafeMutablePointer<git_credential>?>?,
                 usernameFromURL: UnsafePointer<CChar>?, allowedTypes: UInt32) -> Int32 {
        let user = usernameFromURL.map { String(cString: $0) } ?? defaultUser
        if allowedTypes & GIT_CREDENTIAL_USERNAME.rawValue != 0 {
            return git_credential_username_new(out, user)
        }
        guard allowedTypes & GIT_CREDENTIAL_SSH_KEY.rawValue != 0 else { return GIT_PASSTHROUGH.rawValue }
        guard nextSource < sources.count else {
            exhausted = true
            _ = git_error_set_str(Int32(GIT_ERROR_SSH.rawValue), "no more ssh credentials to offer")
            return GIT_EAUTH.rawValue
        }
        let source = sources[nextSource]
        nextSource += 1
        tried.append(source.label)
        switch source {
        case .agent:
            return git_credential_ssh_key_from_agent(out, user)
        case let .keyFile(path):
            let publicKey = path + ".pub"
            let hasPublicKey = FileManager.default.fileExists(atPath: publicKey)
            return git_credential_ssh_key_new(out, user, hasPublicKey ? publicKey : nil, path, nil)
        }
    }
}
