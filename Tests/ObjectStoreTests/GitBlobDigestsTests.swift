import Foundation
import XCTest
@testable import ObjectStore

/// `blobDigests` reads blobs stored whole in a pack straight from it, and everything else through
/// libgit2; either way the digest is the SHA-256 of the content as written (hashed in one go).
final class GitBlobDigestsTests: GitTestCase {
    private func expected(_ bytes: [UInt8]) -> SHA256Digest { SHA256Digest.of(bytes) }

    func testEveryWayABlobIsStoredGivesTheDigestOfItsContent() throws {
        let text = Array((0..<3000).map { "line \($0) of a transcript that repeats a lot\n" }.joined().utf8)
        var edited = text
        edited[100] = UInt8(ascii: "#")
        let large = try randomBytes(17 << 20)  // over the threshold, so the workers run
        let contents = [text, edited, large, Array("small\n".utf8), []]
        let (blobs, tree) = try commitBlobs(contents)
        let wanted = Dictionary(uniqueKeysWithValues: zip(blobs, contents.map(expected)))

        // Loose, then packed by stock git (one of the two texts becomes a delta of the other).
        for stage in ["loose", "packed"] {
            if stage == "packed" {
                try git("gc", "--quiet")
                XCTAssertEqual(try countObjects()["count"], 0, "everything is packed")
                let packs = GitPackIndex.packs(inRepository: repoPath)
                XCTAssertEqual(packs.count, 1)
                let listing = try verifyPack(packs[0])
                XCTAssertTrue(listing.contains { $0.type == "blob" && $0.isDelta }, "one text is stored as a delta")
                // The pack is one the direct path can read: its index parses to git's own listing,
                // and the large blob is stored whole there, so it is hashed from the pack.
                let index = try GitPackIndex(packPath: packs[0])
                XCTAssertEqual(Set((0..<index.count).map(index.id(at:))), Set(listing.map(\.id)))
                let position = try XCTUnwrap(index.position(of: blobs[2]))
                let header = try GitPackReader(index: index).entryHeader(at: index.offsets[position])
                guard case .whole = header.kind else { return XCTFail("the large blob is a delta: \(header.kind)") }
            }
            if stage == "loose" {
                // The packs are listed once per call, not again for every loose blob.
                let listed = repo.packIndexes.listCount
                XCTAssertEqual(try repo.blobDigests(blobs, workers: 1), wanted)
                XCTAssertEqual(repo.packIndexes.listCount, listed + 1)
            }
            for workers in [1, 2] {
                // An id asked for twice (a catalog may file one blob under two names) is hashed once.
                XCTAssertEqual(try repo.blobDigests(blobs + blobs, workers: workers), wanted, "\(stage), \(workers) workers")
                let withSizes = try repo.blobDigestsAndSizes(blobs + blobs, workers: workers)
                XCTAssertEqual(withSizes.mapValues { $0.digest }, wanted, "\(stage), \(workers) workers")
                XCTAssertEqual(withSizes.mapValues { $0.size }, Dictionary(uniqueKeysWithValues: zip(blobs, contents.map(\.count))),
                               "\(stage), \(workers) workers")
            }
        }
        XCTAssertThrowsError(try repo.blobDigests([tree])) { XCTAssertTrue("\($0)".contains("not a blob"), "\($0)") }
    }

    func testADamagedPackedBlobIsAnErrorNotADigest() throws {
        let text = Array((0..<3000).map { "entry \($0)\n" }.joined().utf8)
        let blob = try commitBlobs([text]).blobs[0]
        try git("-c", "pack.compression=0", "gc", "--quiet")
        let pack = try XCTUnwrap(GitPackIndex.packs(inRepository: repoPath).first)
        var bytes = try XCTUnwrap(FileManager.default.contents(atPath: pack))
        bytes[try XCTUnwrap(bytes.range(of: Data("entry 1500".utf8))).lowerBound] = UInt8(ascii: "E")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: pack)
        try bytes.write(to: URL(fileURLWithPath: pack))
        // zlib's own checksum no longer matches: the read fails instead of hashing other bytes.
        XCTAssertThrowsError(try GitRepository.open(at: repoPath).blobDigests([blob])) { error in
            XCTAssertTrue((error as? GitError)?.isDamagedObject == true, "\(error)")
        }
    }
}
