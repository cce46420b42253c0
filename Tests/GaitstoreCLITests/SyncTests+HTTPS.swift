import Foundation
import XCTest

/// Push and pull over https, against nginx + `git http-backend` with a private CA.
extension SyncTests {
    func testScenarioOverHTTPS() throws {
        let server = try HTTPSGitServer(directory: path("https"))
        defer { server.stop() }
        try server.start()
        // git's variable wins over OpenSSL's, as it does for git.
        remoteEnvironment = ["GIT_SSL_CAINFO": server.caFile, "SSL_CERT_FILE": path("no-such-bundle.crt")]
        try runScenario(remoteURL: server.url, remoteDir: server.repository)
    }

    func testAnUntrustedHTTPSServerIsRefusedAndNothingChanges() throws {
        let server = try HTTPSGitServer(directory: path("https"))
        defer { server.stop() }
        try server.start()
        try makeStores()
        XCTAssertEqual(try gs("a", ["import", tck("pack_run.zip")]).status, 0)
        XCTAssertEqual(try gs("a", ["job", "submit", "--id", "job.a"]).status, 0)
        let before = try ["a", "b"].map { try files(in: path($0)) }
        let remoteBefore = try files(in: server.repository)

        // Only the system's CAs (the machine may point both variables at its bundle: blank them),
        // and git's switch to skip verification, which gaitstore does not honour.
        let systemOnly = ["GIT_SSL_CAINFO": "", "SSL_CERT_FILE": ""]
        for environment in [systemOnly, systemOnly.merging(["GIT_SSL_NO_VERIFY": "1"]) { $1 }] {
            remoteEnvironment = environment
            for (store, command) in [("a", "push"), ("b", "pull")] {
                let refused = try gs(store, [command, server.url])
                XCTAssertEqual(refused.status, 1, refused.stderr)
                XCTAssertEqual(refused.stdout, "")
                let lines = refused.stderr.split(separator: "\n")
                XCTAssertEqual(lines.count, 1, refused.stderr)
                XCTAssertTrue(refused.stderr.hasPrefix("gaitstore \(command): cannot trust the certificate of \(server.url): "), refused.stderr)
                XCTAssertTrue(refused.stderr.contains("not correctly signed by the trusted CA"), refused.stderr)
                XCTAssertTrue(refused.stderr.contains("GIT_SSL_CAINFO"), "the line says how to trust a private CA: \(refused.stderr)")
                XCTAssertEqual(refused.stderr.contains("GIT_SSL_NO_VERIFY is ignored"), environment["GIT_SSL_NO_VERIFY"] != nil, refused.stderr)
            }
        }
        XCTAssertEqual(try ["a", "b"].map { try files(in: path($0)) }, before, "a store changed")
        XCTAssertEqual(try files(in: server.repository), remoteBefore, "the remote changed")

        // The right CA but an IP address: mbedTLS matches names only, and the line says so.
        remoteEnvironment = ["GIT_SSL_CAINFO": server.caFile]
        let byAddress = try gs("a", ["push", "https://127.0.0.1:\(server.port)/remote.git"])
        XCTAssertEqual(byAddress.status, 1, byAddress.stderr)
        XCTAssertTrue(byAddress.stderr.contains("use the server's host name"), byAddress.stderr)

        // A CA file that cannot be loaded is named, with the variable that named it.
        remoteEnvironment = ["GIT_SSL_CAINFO": path("missing-ca.crt")]
        let missing = try gs("a", ["push", server.url])
        XCTAssertEqual(missing.status, 6, missing.stderr)
        XCTAssertTrue(missing.stderr.contains(path("missing-ca.crt")) && missing.stderr.contains("GIT_SSL_CAINFO"), missing.stderr)
        XCTAssertEqual(try files(in: server.repository), remoteBefore, "the remote changed")

        // OpenSSL's variable works too, when git's is not set.
        remoteEnvironment = ["GIT_SSL_CAINFO": "", "SSL_CERT_FILE": server.caFile]
        let pushed = try gs("a", ["push", server.url])
        XCTAssertEqual(pushed.status, 0, pushed.stderr)
        XCTAssertEqual(try git(["-C", server.repository, "for-each-ref", "refs/gaitstore/"]).stdout,
                       try git(["-C", path("a"), "for-each-ref", "refs/gaitstore/"]).stdout)
    }

    /// Every file under `directory` with its bytes, by relative path.
    func files(in directory: String) throws -> [String: Data] {
        var found: [String: Data] = [:]
        let root = URL(fileURLWithPath: directory)
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else { return found }
        for case let url as URL in walker where try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true {
            found[String(url.path.dropFirst(root.path.count))] = try Data(contentsOf: url)
        }
        return found
    }
}
