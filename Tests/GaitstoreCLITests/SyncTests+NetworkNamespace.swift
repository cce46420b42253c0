import Foundation
import XCTest

/// The remote on another host, as far as the network is concerned: `git daemon` runs in its own
/// network namespace, reached from the host only over a veth link.
extension SyncTests {
    func testScenarioOverGitDaemonInAnotherNetworkNamespace() throws {
        let namespace = NetworkNamespace()
        defer { namespace.remove() }
        try namespace.create()

        let base = path("served")
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        XCTAssertEqual(try git(["init", "-q", "--bare", base + "/remote.git"]).status, 0)
        // The namespace has its own ports: git's default one cannot clash with anything on the host.
        let daemon = try namespace.launch("/usr/lib/git-core/git-daemon", [
            "--export-all", "--enable=receive-pack", "--base-path=\(base)", "--reuseaddr",
            "--listen=\(namespace.address)", "--port=9418", base])
        defer { kill(daemon.processIdentifier, SIGTERM); daemon.waitUntilExit() }

        let url = "git://\(namespace.address)/remote.git"
        XCTAssertTrue(try CLI.waitUntilListed(url), "\(url) never answered")
        try runScenario(remoteURL: url, remoteDir: base + "/remote.git")
    }
}
