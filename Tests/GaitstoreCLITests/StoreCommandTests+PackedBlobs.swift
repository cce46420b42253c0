import Foundation
import ObjectStore
import XCTest

/// A large file in a gc'd store, read by export, cat and fsck straight from the pack.
extension StoreCommandTests {
    func git(_ arguments: [String]) throws -> CLI.Result {
        try CLI.run(["-C", store] + arguments, executable: URL(fileURLWithPath: "/usr/bin/git"))
    }

    /// The largest blob in the store's only pack, by stock git's listing: its id, its size, and
    /// where its entry lies in the pack (offset, bytes in the pack), and whether it is a delta.
    func largestPackedBlob() throws -> (oid: String, size: Int, pack: String, offset: Int, length: Int, isDelta: Bool) {
        let directory = store + "/objects/pack"
        let indexes = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".idx") }
        XCTAssertEqual(indexes.count, 1, "gc leaves one pack")
        let index = try XCTUnwrap(indexes.first)
        let listing = try CLI.run(["verify-pack", "-v", directory + "/" + index], executable: URL(fileURLWithPath: "/usr/bin/git"))
        let blobs = listing.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true) }
            .filter { $0.count >= 5 && $0[1] == "blob" }
        let largest = try XCTUnwrap(blobs.max { Int($0[2])! < Int($1[2])! })
        return (String(largest[0]), Int(largest[2])!, directory + "/" + index.dropLast(4) + ".pack",
                Int(largest[4])!, Int(largest[3])!, largest.count > 5)
    }

    func testALargeFileInAGCdStoreStreamsAndDamageInsideItIsFound() throws {
        let runpack = try makeRunpacks(1, runIDPrefix: "run_large_", payload: .text(bytes: 6_000_000))[0]
        let id = try importedIDs([runpack])[0]
        XCTAssertEqual(try gs(["gc", "--grace-period", "0"]).status, 0)

        let blob = try largestPackedBlob()
        XCTAssertGreaterThan(blob.size, 5_000_000)
        XCTAssertFalse(blob.isDelta)
        let content = try git(["cat-file", "blob", blob.oid]).stdoutBytes
        let digest = SHA256Digest.of(Array(content))

        let cat = try gs(["cat", digest.prefixed])
        XCTAssertEqual(cat.status, 0, cat.stderr)
        XCTAssertEqual(cat.stdoutBytes, content)
        let exported = path("export.zip")
        XCTAssertEqual(try gs(["export", id, "--out", exported]).status, 0)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: exported)), try Data(contentsOf: URL(fileURLWithPath: runpack)))
        XCTAssertEqual(try gs(["fsck"]).status, 0)

        // One byte flipped in the middle of the blob's compressed data.
        let pristine = try Data(contentsOf: URL(fileURLWithPath: blob.pack))
        var damaged = pristine
        damaged[blob.offset + blob.length / 2] ^= 0x10
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: blob.pack)
        try damaged.write(to: URL(fileURLWithPath: blob.pack))
        let damagedCat = try gs(["cat", digest.prefixed])
        XCTAssertEqual(damagedCat.status, 2, damagedCat.stderr)
        XCTAssertTrue(damagedCat.stderr.contains(blob.oid), damagedCat.stderr)
        let damagedExport = try gs(["export", id, "--out", path("damaged.zip")])
        XCTAssertEqual(damagedExport.status, 2, damagedExport.stderr)
        // show hashes the pack's files straight from the pack (blobDigests): damage, not bad input.
        let damagedShow = try gs(["show", id])
        XCTAssertEqual(damagedShow.status, 2, damagedShow.stderr)
        let fsck = try gs(["fsck"])
        XCTAssertEqual(fsck.status, 2, fsck.stdout)
        XCTAssertTrue(fsck.stdout.contains("object \(blob.oid)") && fsck.stdout.contains("in pack \(id)"), fsck.stdout)

        try pristine.write(to: URL(fileURLWithPath: blob.pack))
        XCTAssertEqual(try gs(["fsck"]).status, 0)
    }
}
