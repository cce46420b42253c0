import Foundation
import TestSupport
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
        let daemon = try GitDaemon(basePath: base, listenAddress: namespace.address, launcher: namespace.launcher)
        defer { daemon.stop() }

        let url = daemon.url("remote.git")
        XCTAssertTrue(try CLI.waitUntilListed(url), "\(url) never answered")
        try runScenario(remoteURL: url, remoteDir: base + "/remote.git")
    }
}
