import CGit2
import Foundation
import XCTest
@testable import ObjectStore

/// The order in which ssh credentials are offered to libgit2, through libgit2's own credential
/// constructors. (No sshd runs on the test machine, so the ssh handshake itself is not covered.)
final class GitRemoteCredentialTests: XCTestCase {
    private func offer(_ credentials: GitSSHCredentials, types: git_credential_t, user: String? = "git")
        -> (code: Int32, username: String?) {
        var credential: UnsafeMutablePointer<git_credential>?
        let code = user.withOptionalCString { credentials.provide(&credential, usernameFromURL: $0, allowedTypes: types.rawValue) }
        defer { git_credential_free(credential) }
        let username = credential.flatMap { git_credential_get_username($0) }.map { String(cString: $0) }
        return (code, username)
    }

    func testAgentFirstThenKeyFileThenGivesUp() {
        let credentials = GitSSHCredentials(environment: ["SSH_AUTH_SOCK": "/tmp/agent.sock", "GAITSTORE_SSH_KEY": "/keys/id_ed25519",
                                                          "USER": "alice"])
        XCTAssertEqual(offer(credentials, types: GIT_CREDENTIAL_SSH_KEY).code, 0)
        XCTAssertEqual(credentials.tried, ["ssh-agent"])
        let second = offer(credentials, types: GIT_CREDENTIAL_SSH_KEY)
        XCTAssertEqual(second.code, 0)
        XCTAssertEqual(second.username, "git", "the URL's user wins")
        XCTAssertEqual(credentials.tried, ["ssh-agent", "key /keys/id_ed25519"])
        XCTAssertFalse(credentials.exhausted)
        XCTAssertEqual(offer(credentials, types: GIT_CREDENTIAL_SSH_KEY).code, GIT_EAUTH.rawValue)
        XCTAssertTrue(credentials.exhausted)
        XCTAssertEqual(GitRemoteError.authenticationFailed("ssh://h/r", tried: credentials.tried).description,
                       "cannot authenticate to ssh://h/r: refused ssh-agent, key /keys/id_ed25519")
    }

    func testUsernameDefaultsToTheLoginAndOtherKindsPassThrough() {
        let credentials = GitSSHCredentials(environment: ["USER": "alice"])
        let username = offer(credentials, types: GIT_CREDENTIAL_USERNAME, user: nil)
        XCTAssertEqual(username.code, 0)
        XCTAssertEqual(username.username, "alice")
        XCTAssertEqual(offer(credentials, types: GIT_CREDENTIAL_USERPASS_PLAINTEXT).code, GIT_PASSTHROUGH.rawValue,
                       "https is left to libgit2")
        XCTAssertEqual(offer(credentials, types: GIT_CREDENTIAL_SSH_KEY).code, GIT_EAUTH.rawValue, "nothing to offer")
        XCTAssertEqual(credentials.tried, [])
        XCTAssertTrue(GitRemoteError.authenticationFailed("ssh://h/r", tried: []).description.contains("GAITSTORE_SSH_KEY"))
    }
}

private extension Optional where Wrapped == String {
    func withOptionalCString<Result>(_ body: (UnsafePointer<CChar>?) -> Result) -> Result {
        guard let self else { return body(nil) }
        return self.withCString(body)
    }
}
