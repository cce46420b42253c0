import Foundation
import XCTest
@testable import ObjectStore

/// Pushes and path fetches copy packed objects as stored (deltas included) instead of running
/// libgit2's pack builder, over a path, a file:// URL and a real git daemon; stock git checks the
/// result. The packs here are written without compression (`pack.compression=0`), so their size
/// tells copied bytes (same size) from recompressed ones (several times smaller).
final class GitPackReuseTests: GitRemoteTestCase {
    /// About 200 KB of text, and a copy with one line changed: the second is stored as a delta.
    private let text = (0..<4000).map { "line \($0): the quick brown fox jumps \($0 * 7919 % 10007) times\n" }.joined()
    private var changedText: String { text.replacingOccurrences(of: "line 2000:", with: "LINE 2000:") }

    private func nearIdenticalHistory() throws -> (first: GitOID, second: GitOID) {
        let first = try commit(["log.txt": text])
        let second = try commit(["log.txt": changedText], parents: [first])
        return (first, second)
    }

    private struct PackStats {
        var bytes = 0, objects = 0, deltas = 0
    }

    /// Sizes of every pack in a repository, its packed objects and how many are deltas (stock git).
    private func packStats(_ repository: String) throws -> PackStats {
        var stats = PackStats()
        for pack in GitPackIndex.packs(inRepository: repository) {
            stats.bytes += try XCTUnwrap(FileManager.default.attributesOfItem(atPath: pack)[.size] as? Int)
            let objects = try verifyPack(pack)
            stats.objects += objects.count
            stats.deltas += objects.filter(\.isDelta).count
        }
        return stats
    }

    /// Loose and packed objects of `repository`, by `git count-objects -v`.
    private func totalObjects(_ repository: String) throws -> Int {
        let counts = try countObjects(in: repository)
        return try XCTUnwrap(counts["count"]) + XCTUnwrap(counts["in-pack"])
    }

    /// A bare remote that keeps every push as a pack (receive-pack unpacks small pushes otherwise).
    private func makePackKeepingRemote(_ name: String) throws -> String {
        let remote = try makeRemote(name)
        try remoteGit(remote, "config", "receive.unpackLimit", "1")
        return remote
    }

    func testPackedObjectsTravelAsStoredWithTheirDeltas() throws {
        let (_, tip) = try nearIdenticalHistory()
        try repo.updateReference("refs/gaitstore/catalog", to: tip, expected: nil, message: "test")
        try git("-c", "pack.compression=0", "gc", "--quiet")
        let local = try packStats(repoPath)
        XCTAssertGreaterThanOrEqual(local.deltas, 1, "stock git stored the second version as a delta")
        XCTAssertGreaterThan(local.bytes, 170_000, "stored uncompressed")

        for transport in GitTestTransport.allCases {
            let remote = try makePackKeepingRemote("reuse-\(transport)")
            let url = try url(of: remote, over: transport)
            XCTAssertEqual(try repo.push(url, refspecs: ["refs/gaitstore/catalog"], progress: nil), [GitPushResult(ref: "refs/gaitstore/catalog", rejection: nil, previous: nil)])
            let landed = try packStats(remote)
            XCTAssertEqual(landed.objects, local.objects, "\(transport)")
            XCTAssertEqual(landed.deltas, local.deltas, "\(transport): deltas kept")
            // Offset deltas become reference deltas (20-byte base ids); nothing is recompressed.
            XCTAssertEqual(Double(landed.bytes), Double(local.bytes), accuracy: 0.02 * Double(local.bytes), "\(transport)")
            XCTAssertEqual(try remoteRef(remote, "refs/gaitstore/catalog"), tip, "\(transport)")
            try remoteGit(remote, "fsck", "--strict", "--no-dangling")
        }
    }

    func testAStorePackedByGcSendsItsDeltasThenOnlyWhatIsNew() throws {
        let (_, tip) = try nearIdenticalHistory()
        try repo.updateReference("refs/gaitstore/catalog", to: tip, expected: nil, message: "test")
        try repo.repack(gracePeriod: 0)  // libgit2's pack builder: deltas name their base by id
        let local = try packStats(repoPath)
        XCTAssertGreaterThanOrEqual(local.deltas, 1)

        for transport in GitTestTransport.allCases {
            let remote = try makePackKeepingRemote("incremental-\(transport)")
            let url = try url(of: remote, over: transport)
            XCTAssertEqual(try repo.push(url, refspecs: [try outgoing(tip, to: "refs/gaitstore/catalog")], progress: nil).map(\.rejection), [nil])
            XCTAssertEqual(try packStats(remote).deltas, local.deltas, "\(transport)")

            // One more file: the commit, its root tree and the new blob go over, nothing else.
            let before = try totalObjects(remote)
            let next = try commit(["log.txt": changedText, "new.txt": "new \(transport)"], parents: [tip])
            XCTAssertEqual(try repo.push(url, refspecs: [try outgoing(next, to: "refs/gaitstore/catalog")], progress: nil).map(\.rejection), [nil])
            XCTAssertEqual(try totalObjects(remote) - before, 3, "\(transport)")
            try remoteGit(remote, "fsck", "--strict", "--no-dangling")
        }
    }

    func testFetchFromAPathCopiesStoredBytesAndMovesTrackingRefs() throws {
        let remote = try makeRemote("source")
        let text = (0..<4000).map { "entry \($0) of a long transcript \($0 * 31 % 977)\n" }.joined()
        let first = try foreignCommit(in: remote, parent: nil, content: text)
        let second = try foreignCommit(in: remote, parent: first, content: text + "one more entry\n")
        try remoteGit(remote, "update-ref", "refs/gaitstore/catalog", second.hex)
        try remoteGit(remote, "update-ref", "refs/heads/main", first.hex)
        try remoteGit(remote, "-c", "pack.compression=0", "gc", "--quiet")
        let stored = try packStats(remote)
        XCTAssertGreaterThanOrEqual(stored.deltas, 1)

        for transport in [GitTestTransport.path, .fileURL] {
            let local = try GitRepository.initBare(at: scratch + "/fetched-\(transport).git")
            try local.addRemote(name: "origin", url: try url(of: remote, over: transport))
            let fetched = try local.fetch("origin", refspecs: ["+refs/gaitstore/*:refs/gaitstore-quarantine/origin/*",
                                                                "refs/heads/main:refs/mirror/main"], progress: nil)
            // The remote's own fetch refspec (+refs/heads/*:refs/remotes/origin/*) keeps its tracking ref current.
            XCTAssertEqual(fetched, [GitFetchedRef(name: "refs/gaitstore-quarantine/origin/catalog", old: nil, new: second),
                                     GitFetchedRef(name: "refs/mirror/main", old: nil, new: first),
                                     GitFetchedRef(name: "refs/remotes/origin/main", old: nil, new: first)], "\(transport)")
            let landed = try packStats(local.path)
            XCTAssertEqual(landed.deltas, stored.deltas, "\(transport)")
            XCTAssertEqual(Double(landed.bytes), Double(stored.bytes), accuracy: 0.02 * Double(stored.bytes), "\(transport)")
            try remoteGit(local.path, "fsck", "--strict", "--no-dangling")
            XCTAssertEqual(try local.fetch("origin", refspecs: ["+refs/gaitstore/*:refs/gaitstore-quarantine/origin/*"], progress: nil), [],
                           "\(transport): nothing new")
        }
    }

    func testADamagedPackOnTheSendingSideMovesNoRemoteRef() throws {
        let (_, tip) = try nearIdenticalHistory()
        try repo.updateReference("refs/gaitstore/catalog", to: tip, expected: nil, message: "test")
        try git("-c", "pack.compression=0", "gc", "--quiet")
        // Uncompressed, the text lies in the pack as is: change one character of it.
        let pack = try XCTUnwrap(GitPackIndex.packs(inRepository: repoPath).first)
        var bytes = try XCTUnwrap(FileManager.default.contents(atPath: pack))
        let at = try XCTUnwrap(bytes.range(of: Data("line 1000:".utf8))).lowerBound
        bytes[at] = UInt8(ascii: "L")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: pack)
        try bytes.write(to: URL(fileURLWithPath: pack))

        for transport in GitTestTransport.allCases {
            let remote = try makePackKeepingRemote("damaged-\(transport)")
            let url = try url(of: remote, over: transport)
            XCTAssertThrowsError(try repo.push(url, refspecs: ["refs/gaitstore/catalog"], progress: nil), "\(transport)")
            XCTAssertNil(try remoteRef(remote, "refs/gaitstore/catalog"), "\(transport)")
        }
    }
}
