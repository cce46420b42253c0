import Foundation
import XCTest
@testable import ObjectStore

/// known_hosts matching as OpenSSH does it, on lines written the way `ssh-keyscan` and `ssh` write
/// them; the hashed form is exercised end to end by the ssh sync tests.
final class GitKnownHostsTests: XCTestCase {
    let key: [UInt8] = Array("ssh-ed25519 wire blob of the server".utf8)
    let other: [UInt8] = Array("ssh-ed25519 another server's blob".utf8)
    var encoded: String { Data(key).base64EncodedString() }

    func check(_ host: String, _ port: Int?, _ text: String, key blob: [UInt8]? = nil) -> GitKnownHosts.Verdict {
        GitKnownHosts.check(host: host, port: port, keyBlob: blob ?? key, knownHostsText: text)
    }

    func testPlainPatternsPortsAndRevocation() {
        XCTAssertEqual(check("git.example.org", nil, "git.example.org ssh-ed25519 \(encoded)\n"), .known)
        XCTAssertEqual(check("git.example.org", 22, "other.org,git.example.org ssh-ed25519 \(encoded)\n"), .known, "a list of names")
        XCTAssertEqual(check("git.example.org", nil, "git.example.org ssh-ed25519 \(encoded)\n", key: other), .unknown, "another key")
        XCTAssertEqual(check("git.example.org", 2222, "git.example.org ssh-ed25519 \(encoded)\n"), .unknown, "another port needs [host]:port")
        XCTAssertEqual(check("git.example.org", 2222, "[git.example.org]:2222 ssh-ed25519 \(encoded)\n"), .known)
        XCTAssertEqual(check("git.example.org", 2200, "[git.example.org]:2222 ssh-ed25519 \(encoded)\n"), .unknown)
        XCTAssertEqual(check("git.example.org", nil, "# git.example.org ssh-ed25519 \(encoded)\n"), .unknown, "a comment")
        let revoked = "git.example.org ssh-ed25519 \(encoded)\n@revoked git.example.org ssh-ed25519 \(encoded)\n"
        XCTAssertEqual(check("git.example.org", nil, revoked), .revoked, "revocation wins over a listing")
        XCTAssertEqual(check("git.example.org", nil, "@cert-authority *.example.org ssh-ed25519 \(encoded)\n"), .unknown,
                       "certificate authorities are not supported")
    }
}
