import CGit2
import Foundation

/// Which certificate authorities https remotes are verified against.
///
/// libgit2 on Debian speaks TLS through mbedTLS and trusts the system bundle compiled into it
/// (`/etc/ssl/certs/ca-certificates.crt`). A server whose certificate comes from a private CA is
/// trusted by naming that CA's file, with the variables scripts already set for other tools: git's
/// own `GIT_SSL_CAINFO` first, else OpenSSL's `SSL_CERT_FILE`. As with git, the file replaces the
/// system bundle rather than adding to it.
///
/// Verification is never skipped: `GIT_SSL_NO_VERIFY` is deliberately not honoured, and an
/// untrusted certificate says so instead.
///
/// mbedTLS 2.28 matches a certificate's DNS names only, never its IP addresses, so a server is
/// reached by its host name (`https://localhost:8443/...`), not by `https://127.0.0.1:8443/...`.
enum GitTLSTrust {
    /// Where the CA file came from, for messages.
    struct Source: Equatable {
        let variable: String
        let path: String
    }

    /// The CA file the environment names, or nil for libgit2's built-in bundle.
    static func source(in environment: [String: String]) -> Source? {
        for variable in ["GIT_SSL_CAINFO", "SSL_CERT_FILE"] {
            if let path = environment[variable], !path.isEmpty { return Source(variable: variable, path: path) }
        }
        return nil
    }

    /// Hands the environment's CA file to libgit2, once per process: the option is global and
    /// replaces a chain that connections in flight may still use. Later calls repeat the first
    /// outcome, so a bad file is reported on every https transfer, not only the first.
    static func configure() throws {
        try configured.get()
    }

    private static let configured: Result<Void, GitRemoteError> = {
        GitLibrary.ensureInitialized()
        guard let source = source(in: ProcessInfo.processInfo.environment) else { return .success(()) }
        guard FileManager.default.isReadableFile(atPath: source.path) else {
            return .failure(.unusableCAFile(source.path, variable: source.variable, reason: "no readable file there"))
        }
        guard gaitstore_git_libgit2_opts_ssl_cert_locations(source.path, nil) == 0 else {
            // "failed to load CA certificates: 0xffffdc80 - X509 - ...": mbedTLS's words are the news.
            let message = GitError.last(code: -1, operation: "").message
            let reason = message.range(of: " - ").map { String(message[$0.upperBound...]) } ?? message
            return .failure(.unusableCAFile(source.path, variable: source.variable, reason: reason))
        }
        return .success(())
    }()

    /// True for the URLs that go through TLS, the only ones the CA file concerns.
    static func isTLS(_ url: String) -> Bool {
        url.lowercased().hasPrefix("https://")
    }

    /// libgit2's report of a refused certificate ("the SSL certificate is invalid: 0x08 - ...",
    /// one line per problem) as one line, with what the user can do about it.
    static func explainRefusal(_ message: String, url: String,
                               environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        var problems = message
        if let dash = problems.range(of: " - ") { problems = String(problems[dash.upperBound...]) }
        var text = problems.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: "; ")
        if let host = URLComponents(string: url)?.host, isIPAddress(host), text.contains("CN") {
            text += " (libgit2's TLS cannot match an IP address against a certificate; use the server's host name)"
        }
        if let source = source(in: environment) {
            text += " (checked against \(source.path) from \(source.variable))"
        } else {
            text += " (for a private CA, set GIT_SSL_CAINFO to its certificate file)"
        }
        if let noVerify = environment["GIT_SSL_NO_VERIFY"], !noVerify.isEmpty {
            text += "; GIT_SSL_NO_VERIFY is ignored: gaitstore always verifies"
        }
        return text
    }

    private static func isIPAddress(_ host: String) -> Bool {
        var v4 = in_addr(), v6 = in6_addr()
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return inet_pton(AF_INET, bare, &v4) == 1 || inet_pton(AF_INET6, bare, &v6) == 1
    }
}
