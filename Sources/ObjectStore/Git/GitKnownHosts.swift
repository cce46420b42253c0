import CGit2
import Crypto
import Foundation

/// Checks an ssh server's host key against OpenSSH's `known_hosts`, as `ssh` does with
/// `StrictHostKeyChecking=yes`: a host is accepted only if its key is listed. There is no
/// trust on first use; add hosts with `ssh-keyscan HOST >> ~/.ssh/known_hosts`.
///
/// The file is `$GAITSTORE_SSH_KNOWN_HOSTS`, else `~/.ssh/known_hosts`. Plain and hashed
/// (`|1|salt|hmac`) host patterns are understood; `@revoked` keys are refused; certificate
/// authorities are not supported. libgit2 reports the host without its port, so the port is taken
/// from the remote's URL: a server on another port than 22 is listed as `[host]:port`, as ssh does.
enum GitKnownHosts {
    static var path: String {
        if let custom = ProcessInfo.processInfo.environment["GAITSTORE_SSH_KNOWN_HOSTS"], !custom.isEmpty { return custom }
        return (NSHomeDirectory() as NSString).appendingPathComponent(".ssh/known_hosts")
    }

    enum Verdict: Equatable { case known, unknown, revoked }

    /// `keyBlob` is the host key in SSH wire format, as libgit2 hands it over.
    static func check(host: String, port: Int?, keyBlob: [UInt8], knownHostsText: String) -> Verdict {
        let name = (port == nil || port == 22) ? host : "[\(host)]:\(port!)"
        var verdict = Verdict.unknown
        for rawLine in knownHostsText.split(separator: "\n") {
            var fields = rawLine.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard let first = fields.first, !first.hasPrefix("#") else { continue }
            var revoked = false
            if first.hasPrefix("@") {
                if first == "@revoked" { revoked = true } else { continue }
                fields.removeFirst()
            }
            guard fields.count >= 3, matches(name: name, patterns: fields[0]),
                  let blob = Data(base64Encoded: fields[2]), Array(blob) == keyBlob else { continue }
            if revoked { return .revoked }
            verdict = .known
        }
        return verdict
    }

    /// `name` is `host`, or `[host]:port` off port 22, exactly as ssh writes it into known_hosts.
    static func matches(name: String, patterns: String) -> Bool {
        for pattern in patterns.split(separator: ",").map(String.init) {
            if pattern.hasPrefix("|1|") {
                let parts = pattern.split(separator: "|").map(String.init)
                guard parts.count == 3, let salt = Data(base64Encoded: parts[1]), let mac = Data(base64Encoded: parts[2]) else { continue }
                if Data(HMAC<Insecure.SHA1>.authenticationCode(for: Data(name.utf8), using: SymmetricKey(data: salt))) == mac {
                    return true
                }
                continue
            }
            if pattern == name { return true }
        }
        return false
    }

    /// The `certificate_check` callback's answer for an ssh host key: 0 to proceed, an error otherwise.
    /// Other certificates (https) are left to libgit2's own validation with `GIT_PASSTHROUGH`.
    /// Not with a positive value, which `git2/cert.h` documents as "honour the existing validity":
    /// libgit2 1.5.1's http client treats it as success and connects to any server.
    static func callbackResult(_ cert: UnsafeMutablePointer<git_cert>?, host: UnsafePointer<CChar>?, url: String) -> (Int32, String?) {
        guard let cert, cert.pointee.cert_type == GIT_CERT_HOSTKEY_LIBSSH2 else { return (GIT_PASSTHROUGH.rawValue, nil) }
        let hostName = host.map { String(cString: $0) } ?? ""
        let hostkey = UnsafeMutableRawPointer(cert).assumingMemoryBound(to: git_cert_hostkey.self).pointee
        guard hostkey.type.rawValue & GIT_CERT_SSH_RAW.rawValue != 0, let raw = hostkey.hostkey else {
            return (GIT_ECERTIFICATE.rawValue, "ssh host \(hostName): the host key cannot be read")
        }
        let blob = Array(UnsafeRawBufferPointer(start: raw, count: hostkey.hostkey_len))
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        let port = sshPort(url)
        let shown = port.map { $0 == 22 ? hostName : "[\(hostName)]:\($0)" } ?? hostName
        switch check(host: hostName, port: port, keyBlob: blob, knownHostsText: text) {
        case .known:
            return (0, nil)
        case .revoked:
            return (GIT_ECERTIFICATE.rawValue, "ssh host \(shown): its host key is marked @revoked in \(path)")
        case .unknown:
            return (GIT_ECERTIFICATE.rawValue,
                    "ssh host \(shown) is not in \(path) (add it: ssh-keyscan -p \(port ?? 22) \(hostName) >> \(path), or set GAITSTORE_SSH_KNOWN_HOSTS)")
        }
    }

    /// The port of an `ssh://[user@]host[:port]/path` URL; nil for scp-style `user@host:path` (22).
    static func sshPort(_ url: String) -> Int? {
        guard let components = URLComponents(string: url), let scheme = components.scheme,
              ["ssh", "ssh+git", "git+ssh"].contains(scheme) else { return nil }
        return components.port ?? 22
    }
}
