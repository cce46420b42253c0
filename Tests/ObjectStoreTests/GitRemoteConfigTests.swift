import Foundation
import XCTest
@testable import ObjectStore

/// Remotes live in the repository's config where stock git reads and writes them.
final class GitRemoteConfigTests: GitTestCase {
    func testAddedRemotesAreListedSortedAndAgreeWithGit() throws {
        try repo.addRemote(name: "origin", url: "git://example.org/store.git")
        try repo.addRemote(name: "backup", url: "/srv/backup/store.git")
        try repo.addRemote(name: "laptop", url: "ssh://me@laptop/~/store.git")

        let listed = try repo.remotes()
        XCTAssertEqual(listed.map(\.name), ["backup", "laptop", "origin"])
        XCTAssertEqual(listed.map(\.url), ["/srv/backup/store.git", "ssh://me@laptop/~/store.git", "git://example.org/store.git"])
        XCTAssertEqual(try repo.remoteURL("laptop"), "ssh://me@laptop/~/store.git")
        XCTAssertNil(try repo.remoteURL("nowhere"))

        let gitView = try git("remote", "-v").lines.filter { $0.hasSuffix("(fetch)") }.map {
            $0.split(whereSeparator: { $0 == "\t" || $0 == " " }).prefix(2).joined(separator: " ")
        }
        XCTAssertEqual(gitView.sorted(), listed.map { "\($0.name) \($0.url)" })
        // git's own default fetch refspec, as `git remote add` writes it.
        XCTAssertEqual(try git("config", "remote.origin.fetch").text, "+refs/heads/*:refs/remotes/origin/*\n")
    }

    func testRemotesAddedByGitAreListed() throws {
        try git("remote", "add", "peer", "file:///tmp/peer.git")
        XCTAssertEqual(try repo.remotes().map(\.name), ["peer"])
        XCTAssertEqual(try repo.remoteURL("peer"), "file:///tmp/peer.git")
    }

    func testRemoveDeletesTheRemoteForGitToo() throws {
        try repo.addRemote(name: "origin", url: "/srv/a.git")
        try repo.addRemote(name: "other", url: "/srv/b.git")
        try repo.removeRemote(name: "origin")
        XCTAssertEqual(try repo.remotes().map(\.name), ["other"])
        XCTAssertEqual(try git("remote").lines, ["other"])
        XCTAssertNotEqual(try gitStatus(["config", "remote.origin.url"]).status, 0)
    }

    func testRefusesDuplicatesUnknownNamesAndBadInput() throws {
        try repo.addRemote(name: "origin", url: "/srv/a.git")
        XCTAssertThrowsError(try repo.addRemote(name: "origin", url: "/srv/b.git")) {
            XCTAssertEqual($0 as? GitRemoteError, .remoteExists("origin"))
        }
        XCTAssertEqual(try repo.remoteURL("origin"), "/srv/a.git", "a refused add changes nothing")
        XCTAssertThrowsError(try repo.removeRemote(name: "nowhere")) {
            XCTAssertEqual($0 as? GitRemoteError, .unknownRemote("nowhere"))
        }
        for name in ["", "has space", "a..b", "x:y", "a.lock", ".hidden", "a/../b"] {
            // git agrees that these are not remote names.
            XCTAssertNotEqual(try gitStatus(["remote", "add", "--", name, "/srv/c.git"]).status, 0, "git accepted \"\(name)\"")
            XCTAssertThrowsError(try repo.addRemote(name: name, url: "/srv/c.git"), "name \"\(name)\"") {
                XCTAssertEqual($0 as? GitRemoteError, .invalidName(name))
            }
        }
        for url in ["", "line\nbreak"] {
            XCTAssertThrowsError(try repo.addRemote(name: "bad", url: url)) {
                XCTAssertEqual($0 as? GitRemoteError, .invalidURL(url))
            }
        }
        XCTAssertEqual(try repo.remotes().map(\.name), ["origin"])
    }

    func testErrorsNameTheRemoteInOneLine() {
        for error: GitRemoteError in [.remoteExists("origin"), .unknownRemote("origin"), .invalidName("a b"),
                                      .globInPushRefspec("refs/gaitstore/*"),
                                      .invalidRefspec("refs/a:refs/b:c", reason: "invalid"),
                                      .authenticationFailed("ssh://h/r", tried: ["ssh-agent"]),
                                      .authenticationFailed("ssh://h/r", tried: [])] {
            XCTAssertFalse(error.description.contains("\n"))
        }
        XCTAssertTrue(GitRemoteError.unknownRemote("orgin").description.contains("orgin"))
    }
}
