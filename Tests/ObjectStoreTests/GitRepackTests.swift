import Foundation
import XCTest
@testable import ObjectStore

final class GitRepackTests: GitTestCase {
    /// Every object reachable from any ref, by git's own reckoning.
    func gitReachable() throws -> Set<GitOID> {
        Set(try git("rev-list", "--objects", "--all").lines.map { try oid(String($0.prefix(40))) })
    }

    func age(_ file: String, seconds: TimeInterval) throws {
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -seconds)], ofItemAtPath: file)
    }

    func testRepackKeepsEverythingReachableAndDropsTheRest() throws {
        let big = try randomBytes(1_000_000)
        let bigBlob = try repo.writeBlob(big)
        let tree1 = try repo.writeTree(paths: [("a.txt", try repo.writeBlob(Array("a1\n".utf8)), .blob),
                                               ("data/big.bin", bigBlob, .blob)])
        let c1 = try repo.createCommit(tree: tree1, parents: [], message: "one\n", author: alice, sign: nil)
        let c2 = try commit(["a.txt": "a2\n", "data/other.txt": "other\n"], parents: [c1])
        try repo.updateReference("refs/gaitstore/catalog", to: c2, expected: nil, message: "catalog")
        try git("-c", "user.name=Tagger", "-c", "user.email=tagger@example.org", "tag", "-a", "v1", "-m", "annotated", c1.hex)
        let bareBlob = try repo.writeBlob(Array("a ref may name a blob\n".utf8))
        try repo.updateReference("refs/gaitstore/blobref", to: bareBlob, expected: nil, message: "blob")

        // An object that only a since-deleted ref reached, now sitting in an old pack.
        let orphanContent = Array("only the old job saw this\n".utf8)
        let oldJob = try commit(["orphan.txt": String(decoding: orphanContent, as: UTF8.self)], parents: [c2])
        let orphanInPack = try XCTUnwrap(try repo.treeEntry(try repo.readCommit(oldJob).tree, path: "orphan.txt")).oid
        try repo.updateReference("refs/gaitstore/jobs/old", to: oldJob, expected: nil, message: "job")
        try git("repack", "-a", "-d")
        // Caches stock git keeps over the object set, as `git gc` would leave them.
        try git("commit-graph", "write", "--reachable")
        try git("multi-pack-index", "write")
        try git("update-server-info")
        try repo.deleteReference("refs/gaitstore/jobs/old", expected: oldJob)
        // And a loose object nothing ever reached.
        let looseOrphan = try repo.writeBlob(Array("never referenced\n".utf8))
        XCTAssertTrue(repo.contains(orphanInPack) && repo.contains(looseOrphan))

        let reachable = try gitReachable()
        XCTAssertTrue(reachable.contains(bigBlob) && reachable.contains(bareBlob))
        XCTAssertFalse(reachable.contains(orphanInPack) || reachable.contains(looseOrphan) || reachable.contains(oldJob))

        try repo.repack(gracePeriod: 0)

        XCTAssertEqual(Set(try repo.allObjectIDs()), reachable, "exactly the reachable objects remain")
        XCTAssertFalse(repo.contains(orphanInPack))
        XCTAssertFalse(repo.contains(looseOrphan))
        XCTAssertNotEqual(try gitStatus(["cat-file", "-e", looseOrphan.hex]).status, 0)
        let fsck = try git("fsck", "--full", "--strict")
        XCTAssertEqual(fsck.text, "", "no dangling or missing objects")
        let counts = try countObjects()
        XCTAssertEqual(counts["count"], 0, "no loose objects")
        XCTAssertEqual(counts["packs"], 1)
        XCTAssertEqual(counts["in-pack"], reachable.count)
        XCTAssertEqual(counts["prune-packable"], 0)
        XCTAssertEqual(counts["garbage"], 0)
        let pack = try XCTUnwrap(GitPackIndex.packs(inRepository: repoPath).first)
        XCTAssertEqual(try String(contentsOfFile: repoPath + "/objects/info/packs", encoding: .utf8),
                       "P \(URL(fileURLWithPath: pack).lastPathComponent)\n\n")

        XCTAssertEqual(try repo.readBlob(bigBlob), big, "a packed blob still streams out whole")
        XCTAssertEqual(try repo.blobSize(bigBlob), big.count)
        XCTAssertEqual(try repo.readBlob(bareBlob), Array("a ref may name a blob\n".utf8))
        XCTAssertEqual(try repo.walkTree(try repo.readCommit(c2).tree).map(\.path), ["a.txt", "data/other.txt"])
        XCTAssertEqual(try repo.commitLog(from: c2), [c2, c1])

        try repo.repack(gracePeriod: 0)
        XCTAssertEqual(try countObjects()["packs"], 1, "a second repack replaces, never accumulates")
        XCTAssertEqual(Set(try repo.allObjectIDs()), reachable)
        XCTAssertEqual(try git("fsck", "--full", "--strict").text, "")
    }

    func testUnreachableObjectsYoungerThanTheGracePeriodSurvive() throws {
        let kept = try commit(["kept.txt": "kept\n"])
        try repo.updateReference("refs/gaitstore/catalog", to: kept, expected: nil, message: "catalog")
        let inFlight = try commit(["pending.txt": "written, ref not yet moved\n"], parents: [kept])
        try repo.updateReference("refs/gaitstore/jobs/tmp", to: inFlight, expected: nil, message: "job")
        try git("repack", "-a", "-d")
        try repo.deleteReference("refs/gaitstore/jobs/tmp", expected: inFlight)
        let looseInFlight = try repo.writeBlob(Array("just written\n".utf8))

        try repo.repack(gracePeriod: 3600)
        XCTAssertTrue(repo.contains(looseInFlight), "a fresh loose object survives")
        XCTAssertTrue(repo.contains(inFlight), "a fresh pack with unreachable objects survives")
        XCTAssertEqual(try countObjects()["count"], 1)
        XCTAssertEqual(try countObjects()["packs"], 2)
        XCTAssertEqual(try git("fsck", "--full").status, 0)

        try age(looseFile(looseInFlight), seconds: 7200)
        for pack in try FileManager.default.contentsOfDirectory(atPath: repoPath + "/objects/pack") {
            try age(repoPath + "/objects/pack/" + pack, seconds: 7200)
        }
        try repo.repack(gracePeriod: 3600)
        XCTAssertFalse(repo.contains(looseInFlight))
        XCTAssertFalse(repo.contains(inFlight))
        XCTAssertTrue(repo.contains(kept))
        XCTAssertEqual(try countObjects()["count"], 0)
        XCTAssertEqual(try countObjects()["packs"], 1)
        XCTAssertEqual(Set(try repo.allObjectIDs()), try gitReachable())
    }

    func testRepackOfARepositoryWithoutRefsDropsEverything() throws {
        _ = try repo.writeBlob(Array("orphan\n".utf8))
        _ = try commit(["f": "unreferenced commit"])
        XCTAssertEqual(try repo.allObjectIDs().count, 4)
        try repo.repack(gracePeriod: 0)
        XCTAssertEqual(try repo.allObjectIDs(), [])
        XCTAssertEqual(try countObjects()["count"], 0)
        XCTAssertEqual(try countObjects()["packs"], 0)
        XCTAssertEqual(try git("fsck", "--full").status, 0)
    }

    /// Commits, on the catalog ref, a tree laid out like the catalog: every blob indexed under its
    /// content digest (the walk meets that path first) and also under a meaningful path in a pack;
    /// two versions of one transcript among 40 unrelated blobs of about the same size. Returns the
    /// `packs` subtree and the two versions.
    func catalogLikeCommit() throws -> (packs: GitOID, versions: [GitOID]) {
        var stream = SHA256Digest.of(Array("seed".utf8)).bytes
        func bytes(_ count: Int) -> [UInt8] {
            var out = [UInt8]()
            while out.count < count { stream = SHA256Digest.of(stream).bytes; out += stream }
            return Array(out.prefix(count))
        }
        let first = bytes(64 * 1024)
        var second = first
        second.replaceSubrange(30_000..<30_100, with: bytes(100))
        var paths: [(path: String, oid: GitOID, mode: TreeEntry.Mode)] = []
        func add(_ content: [UInt8], as name: String) throws -> GitOID {
            let blob = try repo.writeBlob(content)
            let hex = SHA256Digest.of(content).hex
            paths.append(("digests/\(hex.prefix(2))/\(hex.dropFirst(2))", blob, .blob))
            paths.append(("packs/\(name)", blob, .blob))
            return blob
        }
        let versions = [try add(first, as: "p1/transcript.jsonl"), try add(second, as: "p2/transcript.jsonl")]
        for index in 0..<40 { _ = try add(bytes(64 * 1024 - 200 + index), as: "p\(index % 7)/noise-\(index).bin") }
        let tree = try commitOnCatalog(paths, message: "catalog\n")
        return (try XCTUnwrap(try repo.treeEntry(tree, path: "packs")).oid, versions)
    }

    func testNamingTreesLetTheDeltaSearchFindVersionsOfTheSameFile() throws {
        let (packs, versions) = try catalogLikeCommit()
        try repo.repack(gracePeriod: 0)
        XCTAssertTrue(try deltaBases().isEmpty, "named by digests, the two versions sort apart and neither is a delta")

        try repo.repack(gracePeriod: 0, namingTrees: [packs])
        let bases = try deltaBases()
        XCTAssertEqual(bases.count, 1, "only the second version has a base: \(bases)")
        XCTAssertEqual(Set(bases.flatMap { [$0.key, $0.value] }), Set(versions))
        XCTAssertEqual(try git("fsck", "--full", "--strict").text, "")
    }
}
