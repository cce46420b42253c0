import Foundation
import XCTest
@testable import ObjectStore

/// ls-remote and fetch over a path, a file:// URL and a real git daemon, checked with stock git.
final class GitRemoteFetchTests: GitRemoteTestCase {
    func testListRemoteReferencesAgreesWithGitLsRemote() throws {
        for transport in GitTestTransport.allCases {
            let remote = try makeRemote("ls-\(transport)")
            let url = try url(of: remote, over: transport)
            XCTAssertTrue(try repo.listRemoteReferences(url, prefix: "").isEmpty, "\(transport): empty remote")

            let first = try foreignCommit(in: remote, parent: nil, content: "one \(transport)")
            let second = try foreignCommit(in: remote, parent: first, content: "two")
            try remoteGit(remote, "update-ref", "refs/heads/master", first.hex)
            try remoteGit(remote, "update-ref", "refs/gaitstore/catalog", second.hex)
            try remoteGit(remote, "update-ref", "refs/gaitstore/jobs/job-1", first.hex)
            try remoteGit(remote, "tag", "-a", "v1", "-m", "release", second.hex)

            let listed = try repo.listRemoteReferences(url, prefix: "")
            let stock = try git("ls-remote", url).lines.map { line -> String in
                let fields = line.split(separator: "\t")
                return "\(fields[1]) \(fields[0])"
            }
            XCTAssertEqual(listed.map { "\($0.name) \($0.oid)" }, stock.sorted { pathPrecedes($0, $1) }, "\(transport)")
            XCTAssertTrue(listed.contains { $0.name == "refs/tags/v1^{}" && $0.oid == second }, "\(transport): peeled tag")

            let gaitstore = try repo.listRemoteReferences(url, prefix: "refs/gaitstore/")
            XCTAssertEqual(gaitstore.map(\.name), ["refs/gaitstore/catalog", "refs/gaitstore/jobs/job-1"], "\(transport)")
            XCTAssertEqual(gaitstore.map(\.oid), [second, first], "\(transport)")
            XCTAssertNotEqual(try gitStatus(["cat-file", "-e", second.hex]).status, 0, "\(transport): listing fetched objects")
        }
    }

    func testFetchIntoANamespaceWithAGlobBringsTheObjectsAndReportsMovedRefs() throws {
        for transport in GitTestTransport.allCases {
            let remote = try makeRemote("fetch-\(transport)")
            let url = try url(of: remote, over: transport)
            let catalog = try foreignCommit(in: remote, parent: nil, content: "catalog \(transport)")
            let job = try foreignCommit(in: remote, parent: catalog, content: "job event")
            try remoteGit(remote, "update-ref", "refs/gaitstore/catalog", catalog.hex)
            try remoteGit(remote, "update-ref", "refs/gaitstore/jobs/job-1", job.hex)
            try remoteGit(remote, "update-ref", "refs/heads/master", job.hex)

            let namespace = "refs/gaitstore-quarantine/\(transport)/"
            let refspec = "+refs/gaitstore/*:\(namespace)*"
            let fetched = try repo.fetch(url, refspecs: [refspec], progress: nil)
            XCTAssertEqual(fetched, [GitFetchedRef(name: namespace + "catalog", old: nil, new: catalog),
                                     GitFetchedRef(name: namespace + "jobs/job-1", old: nil, new: job)], "\(transport)")
            for object in [catalog, job, try oid(remoteGit(remote, "rev-parse", "\(job.hex)^{tree}")),
                           try oid(remoteGit(remote, "rev-parse", job.hex + ":file.txt"))] {
                XCTAssertEqual(try gitStatus(["cat-file", "-e", object.hex]).status, 0, "\(transport): \(object) missing")
            }
            XCTAssertEqual(try git("rev-parse", namespace + "jobs/job-1").text, job.hex + "\n")
            XCTAssertTrue(try repo.references(withPrefix: "refs/").allSatisfy { $0.name.hasPrefix("refs/gaitstore-quarantine/") },
                          "\(transport): only the namespace moved")
            // libgit2 1.5 creates FETCH_HEAD even when told not to write it, but leaves it empty.
            XCTAssertEqual(FileManager.default.contents(atPath: repoPath + "/FETCH_HEAD") ?? Data(), Data(), "\(transport)")

            // The remote rewinds one ref (which `+` allows): the next fetch reports exactly that one.
            let rewritten = try foreignCommit(in: remote, parent: nil, content: "rewritten")
            try remoteGit(remote, "update-ref", "refs/gaitstore/jobs/job-1", rewritten.hex)
            XCTAssertEqual(try repo.fetch(url, refspecs: [refspec], progress: nil),
                           [GitFetchedRef(name: namespace + "jobs/job-1", old: job, new: rewritten)], "\(transport)")
            XCTAssertEqual(try repo.fetch(url, refspecs: [refspec], progress: nil), [], "\(transport): nothing new")
        }
    }

    func testFetchWithoutPlusOnlyFastForwards() throws {
        for transport in GitTestTransport.allCases {
            let remote = try makeRemote("ff-\(transport)")
            let url = try url(of: remote, over: transport)
            let base = try foreignCommit(in: remote, parent: nil, content: "base \(transport)")
            try remoteGit(remote, "update-ref", "refs/gaitstore/jobs/j", base.hex)
            let mirror = "refs/mirror/\(transport)/j"
            let refspec = "refs/gaitstore/jobs/j:\(mirror)"
            XCTAssertEqual(try repo.fetch(url, refspecs: [refspec], progress: nil), [GitFetchedRef(name: mirror, old: nil, new: base)])

            let child = try foreignCommit(in: remote, parent: base, content: "child")
            try remoteGit(remote, "update-ref", "refs/gaitstore/jobs/j", child.hex)
            XCTAssertEqual(try repo.fetch(url, refspecs: [refspec], progress: nil), [GitFetchedRef(name: mirror, old: base, new: child)])

            let unrelated = try foreignCommit(in: remote, parent: nil, content: "unrelated")
            try remoteGit(remote, "update-ref", "refs/gaitstore/jobs/j", unrelated.hex)
            XCTAssertEqual(try repo.fetch(url, refspecs: [refspec], progress: nil), [], "\(transport): a rewind needs +")
            XCTAssertEqual(try repo.resolveReference(mirror), child, "\(transport)")
        }
    }

    func testConfiguredRemotesAreUsedByName() throws {
        let remote = try makeRemote("named")
        let pushTarget = try makeRemote("named-push")
        try repo.addRemote(name: "origin", url: try url(of: remote, over: .daemon))
        let catalog = try foreignCommit(in: remote, parent: nil, content: "catalog")
        try remoteGit(remote, "update-ref", "refs/gaitstore/catalog", catalog.hex)

        XCTAssertEqual(try repo.listRemoteReferences("origin", prefix: "refs/gaitstore/").map(\.oid), [catalog])
        XCTAssertEqual(try repo.fetch("origin", refspecs: ["+refs/gaitstore/*:refs/gaitstore-quarantine/origin/*"], progress: nil),
                       [GitFetchedRef(name: "refs/gaitstore-quarantine/origin/catalog", old: nil, new: catalog)])

        // A push goes to remote.<name>.pushurl when one is set, as with git.
        try git("config", "remote.origin.pushurl", "file://" + pushTarget)
        let results = try repo.push("origin", refspecs: [try outgoing(catalog, to: "refs/gaitstore/catalog")], progress: nil)
        XCTAssertEqual(results, [GitPushResult(ref: "refs/gaitstore/catalog", rejection: nil, previous: nil)])
        XCTAssertEqual(try remoteRef(pushTarget, "refs/gaitstore/catalog"), catalog)
    }
}
