import Foundation
import TestSupport
import XCTest

/// Push and pull between stores over real remotes on 127.0.0.1: a bare repository by path, `git daemon`,
/// `sshd`, an https server (SyncTests+HTTPS), and `git daemon` in another network namespace.
final class SyncTests: TemporaryDirectoryTestCase {
    /// Extra environment for every gaitstore run (ssh key and known_hosts, https CA file).
    var remoteEnvironment: [String: String] = [:]

    func gs(_ store: String, _ arguments: [String]) throws -> CLI.Result {
        try CLI.run(["--store", path(store)] + arguments, environment: remoteEnvironment)
    }

    func git(_ arguments: [String]) throws -> CLI.Result { try CLI.run(arguments, executable: URL(fileURLWithPath: "/usr/bin/git")) }

    /// Stores a, b, c, each trusting a's and b's keys.
    func makeStores() throws {
        for s in ["a", "b", "c"] { XCTAssertEqual(try gs(s, ["init", "--principal", "\(s)@example"]).status, 0) }
        for s in ["a", "b", "c"] {
            for t in ["a", "b"] { XCTAssertEqual(try gs(s, ["trust", "add", "\(t)@example", path("\(t)/gaitstore_ed25519.pub")]).status, 0) }
        }
    }

    func runScenario(remoteURL: String, remoteDir: String) throws {
        try makeStores()
        XCTAssertEqual(try gs("a", ["import", tck("pack_run.zip"), tck("pack_job.zip")]).status, 0)
        XCTAssertEqual(try gs("b", ["import", tck("pack_call.zip"), tck("runpack_run_tck.zip")]).status, 0)
        XCTAssertEqual(try gs("a", ["job", "submit", "--id", "job:a"]).status, 0)
        XCTAssertEqual(try gs("b", ["job", "submit", "--id", "job.b"]).status, 0)
        for s in ["a", "b"] { XCTAssertEqual(try gs(s, ["remote", "add", "origin", remoteURL]).status, 0) }

        XCTAssertEqual(try gs("a", ["push"]).status, 0)
        // Pushing again sends nothing and says so: the refs are up to date, not pushed.
        let again = try json(try gs("a", ["push", "--json"]).stdout)
        XCTAssertEqual((again["pushed"] as? [String])?.count, 0)
        XCTAssertEqual((again["up_to_date"] as? [String])?.sorted(), ["refs/gaitstore/catalog", "refs/gaitstore/jobs/job%3Aa"])
        let refused = try gs("b", ["push", "--json"])
        XCTAssertEqual(refused.status, 1, refused.stderr)
        let report = try json(refused.stdout)
        XCTAssertEqual((report["refused"] as? [[String: Any]])?.first?["ref"] as? String, "refs/gaitstore/catalog")
        XCTAssertTrue(refused.stderr.contains("pull"), refused.stderr)

        let pulled = try gs("b", ["pull", "--json"])
        XCTAssertEqual(pulled.status, 0, pulled.stderr)
        XCTAssertEqual(try json(pulled.stdout)["catalog"] as? String, "merged")
        XCTAssertEqual(try gs("b", ["push"]).status, 0)

        let cloned = try gs("c", ["pull", remoteURL])
        XCTAssertEqual(cloned.status, 0, cloned.stderr)
        XCTAssertEqual(try gs("c", ["ls"]).stdout.split(separator: "\n").count, 4)
        XCTAssertEqual(try gs("c", ["job", "list"]).stdout.split(separator: "\n").count, 2)
        for s in ["a", "b", "c"] { XCTAssertEqual(try gs(s, ["fsck"]).status, 0, s) }
        let remoteFsck = try git(["-C", remoteDir, "fsck", "--strict"])
        XCTAssertEqual(remoteFsck.status, 0, remoteFsck.stderr)
        // The merge commit made by b is signed and stock git accepts it in the remote.
        let verify = try git(["-C", remoteDir, "-c", "gpg.ssh.allowedSignersFile=\(path("c"))/allowed_signers", "verify-commit", "refs/gaitstore/catalog"])
        XCTAssertEqual(verify.status, 0, verify.stderr)
        // A diverged job is reported and left alone.
        XCTAssertEqual(try gs("a", ["pull"]).status, 0)
        XCTAssertEqual(try gs("a", ["job", "pause", "job.b"]).status, 0)
        XCTAssertEqual(try gs("b", ["job", "cancel", "job.b"]).status, 0)
        XCTAssertEqual(try gs("b", ["push"]).status, 0)
        let localTip = try gs("a", ["job", "status", "--json", "job.b"]).stdout
        let diverged = try gs("a", ["pull"])
        XCTAssertEqual(diverged.status, 2, diverged.stderr)
        XCTAssertTrue(diverged.stderr.contains("job.b"), diverged.stderr)
        XCTAssertEqual(try gs("a", ["job", "status", "--json", "job.b"]).stdout, localTip)
    }

    func testScenarioOverAPathRemote() throws {
        XCTAssertEqual(try git(["init", "-q", "--bare", path("remote.git")]).status, 0)
        try runScenario(remoteURL: path("remote.git"), remoteDir: path("remote.git"))
    }

    func testScenarioOverGitDaemon() throws {
        let base = path("served")
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        XCTAssertEqual(try git(["init", "-q", "--bare", base + "/remote.git"]).status, 0)
        let daemon = try GitDaemon(basePath: base)
        defer { daemon.stop() }
        let url = daemon.url("remote.git")
        XCTAssertTrue(try CLI.waitUntilListed(url), "\(url) never answered")
        try runScenario(remoteURL: url, remoteDir: base + "/remote.git")
    }

    func testScenarioOverSSH() throws {
        let sshd = "/usr/sbin/sshd"
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: sshd), "openssh-server is not installed (scripts/setup.sh installs it)")
        XCTAssertEqual(getuid(), 0, "the sshd test logs in as the current user, which must be root here")
        for key in ["host_key", "user_key"] {
            XCTAssertEqual(try CLI.run(["-q", "-t", "ed25519", "-N", "", "-f", path(key)], executable: URL(fileURLWithPath: "/usr/bin/ssh-keygen")).status, 0)
        }
        try FileManager.default.copyItem(atPath: path("user_key.pub"), toPath: path("authorized_keys"))
        try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        let port = try Loopback.freePort()
        try """
            Port \(port)
            ListenAddress 127.0.0.1
            HostKey \(path("host_key"))
            AuthorizedKeysFile \(path("authorized_keys"))
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            PermitRootLogin prohibit-password
            StrictModes no
            UsePAM no
            PidFile \(path("sshd.pid"))
            """.write(toFile: path("sshd_config"), atomically: true, encoding: .utf8)
        // sshd daemonizes and writes its pid; it is stopped by that pid. Nothing it or ssh-keyscan
        // prints goes through a pipe this process waits on.
        let started = try CLI.shell("'\(sshd)' -f '\(path("sshd_config"))' -E '\(path("sshd.log"))'")
        XCTAssertEqual(started.status, 0, started.stderr)
        defer {
            if let pid = try? String(contentsOfFile: path("sshd.pid"), encoding: .utf8), let number = Int32(pid.trimmingCharacters(in: .whitespacesAndNewlines)) {
                kill(number, SIGTERM)
                // sshd deletes its pid file as it exits; tearDown removing the directory at the same
                // moment would stop half-way and leave the directory behind. It is not our child, so poll.
                var polls = 0
                while kill(number, 0) == 0 && polls < 100 { usleep(20_000); polls += 1 }
            }
        }
        for _ in 0..<100 {
            _ = try CLI.shell("ssh-keyscan -H -p \(port) 127.0.0.1 > '\(path("known_hosts"))' 2>/dev/null < /dev/null")
            if let text = try? String(contentsOfFile: path("known_hosts"), encoding: .utf8), !text.isEmpty { break }
            usleep(50_000)
        }
        XCTAssertEqual(try git(["init", "-q", "--bare", path("remote.git")]).status, 0)
        let url = "ssh://root@127.0.0.1:\(port)\(path("remote.git"))"

        // An unknown host is refused before anything is sent.
        remoteEnvironment = ["GAITSTORE_SSH_KEY": path("user_key"), "SSH_AUTH_SOCK": "", "GAITSTORE_SSH_KNOWN_HOSTS": path("empty_known_hosts")]
        XCTAssertEqual(try gs("probe", ["init"]).status, 0)
        let unknown = try gs("probe", ["push", url])
        XCTAssertEqual(unknown.status, 1, unknown.stderr)
        XCTAssertTrue(unknown.stderr.contains("known_hosts") || unknown.stderr.contains("empty_known_hosts"), unknown.stderr)

        remoteEnvironment["GAITSTORE_SSH_KNOWN_HOSTS"] = path("known_hosts")
        try runScenario(remoteURL: url, remoteDir: path("remote.git"))
    }

    /// Pull hashes each new stored file once and lets the packs' checks reuse those digests; a
    /// pack file changed after the fact (its digests/ entry made to match, the commit signed by a
    /// trusted key) must still fail its runpack manifest, and nothing may land.
    func testPullRefusesARunpackFileThatNoLongerMatchesItsManifest() throws {
        let runpack = runpackVector("golden/golden_time_after_pass")
        try makeStores()
        XCTAssertEqual(try gs("a", ["import", runpack]).status, 0)
        let tampered = try CLI.shell("""
            set -e
            export GIT_DIR='\(path("a"))' GIT_INDEX_FILE='\(path("tamper.index"))'
            file=$(git ls-tree -r --name-only refs/gaitstore/catalog packs | grep '/artifacts/tool_calls.json$')
            blob=$(printf 'tampered\\n' | git hash-object -w --stdin)
            digest=$(printf 'tampered\\n' | sha256sum | cut -c1-64)
            git read-tree refs/gaitstore/catalog
            git update-index --cacheinfo "100644,$blob,$file"
            git update-index --add --cacheinfo "100644,$blob,digests/${digest:0:2}/${digest:2}"
            tree=$(git write-tree)
            commit=$(git -c user.name=a -c user.email=a@example -c gpg.format=ssh -c user.signingkey='\(path("a"))/gaitstore_ed25519' \\
                commit-tree -S "$tree" -p refs/gaitstore/catalog -m tamper)
            git update-ref refs/gaitstore/catalog "$commit"
            """)
        XCTAssertEqual(tampered.status, 0, tampered.stderr)

        let pulled = try gs("c", ["pull", path("a")])
        XCTAssertEqual(pulled.status, 2, pulled.stderr)
        XCTAssertTrue(pulled.stderr.contains("hash mismatch for artifacts/tool_calls.json"), pulled.stderr)
        XCTAssertEqual(try git(["-C", path("c"), "for-each-ref", "refs/gaitstore"]).stdout, "", "a ref moved")
        XCTAssertEqual(try gs("c", ["ls"]).stdout, "")
    }

    func testPullingFromAnUntrustedSignerLandsNothing() throws {
        try makeStores()
        XCTAssertEqual(try gs("a", ["import", tck("pack_job.zip")]).status, 0)
        XCTAssertEqual(try git(["init", "-q", "--bare", path("one.git")]).status, 0)
        XCTAssertEqual(try gs("a", ["push", path("one.git")]).status, 0)
        XCTAssertEqual(try gs("c", ["pull", path("one.git")]).status, 0)

        // A store whose key nobody trusts pushes to a second remote.
        XCTAssertEqual(try gs("mallory", ["init", "--principal", "mallory@example"]).status, 0)
        XCTAssertEqual(try gs("mallory", ["pull", path("one.git")]).status, 2, "mallory does not trust a either")
        XCTAssertEqual(try gs("mallory", ["trust", "add", "a@example", path("a/gaitstore_ed25519.pub")]).status, 0)
        XCTAssertEqual(try gs("mallory", ["pull", path("one.git")]).status, 0)
        XCTAssertEqual(try gs("mallory", ["import", tck("pack_run.zip")]).status, 0)
        XCTAssertEqual(try gs("mallory", ["job", "submit", "--id", "evil"]).status, 0)
        XCTAssertEqual(try git(["init", "-q", "--bare", path("two.git")]).status, 0)
        XCTAssertEqual(try gs("mallory", ["push", path("two.git")]).status, 0)

        let before = try git(["-C", path("c"), "for-each-ref"]).stdout
        let r = try gs("c", ["pull", path("two.git")])
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(r.stderr.contains("untrusted key"), r.stderr)
        XCTAssertTrue(r.stderr.range(of: "commit [0-9a-f]{40}", options: .regularExpression) != nil, r.stderr)
        XCTAssertEqual(try git(["-C", path("c"), "for-each-ref"]).stdout, before, "a ref moved")
        XCTAssertEqual(try gs("c", ["ls"]).stdout.split(separator: "\n").count, 1)
        XCTAssertEqual(try gs("c", ["fsck"]).status, 0)
    }
    /// A remote that cannot be reached is an I/O failure (exit 1); a URL no transport speaks is bad
    /// input (exit 6). Either way, one line and nothing changed.
    func testAnUnreachableRemoteExitsOneAndAnUnknownSchemeSix() throws {
        XCTAssertEqual(try gs("a", ["init", "--principal", "a@example"]).status, 0)
        XCTAssertEqual(try gs("a", ["import", tck("pack_job.zip")]).status, 0)
        let port = try Loopback.freePort()  // nobody listens on it
        let before = try git(["-C", path("a"), "for-each-ref"]).stdout

        for command in ["push", "pull"] {
            let unreachable = try gs("a", [command, "git://127.0.0.1:\(port)/none.git"])
            XCTAssertEqual(unreachable.status, 1, unreachable.stderr)
            XCTAssertEqual(unreachable.stderr.split(separator: "\n").count, 1, unreachable.stderr)
            XCTAssertTrue(unreachable.stderr.contains("Connection refused"), unreachable.stderr)
            let unknown = try gs("a", [command, "gopher://127.0.0.1/none.git"])
            XCTAssertEqual(unknown.status, 6, unknown.stderr)
            XCTAssertTrue(unknown.stderr.contains("invalid remote URL \"gopher://127.0.0.1/none.git\""), unknown.stderr)
        }
        XCTAssertEqual(try gs("a", ["remote", "add", "origin", "gopher://127.0.0.1/none.git"]).status, 6)
        XCTAssertEqual(try git(["-C", path("a"), "for-each-ref"]).stdout, before)
        XCTAssertEqual(try gs("a", ["remote", "list"]).stdout, "")
    }
}
