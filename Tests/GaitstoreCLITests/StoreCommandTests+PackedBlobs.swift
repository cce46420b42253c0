import Foundation
import ObjectStore
import TestSupport
import XCTest

/// A large file in a gc'd store, read by export, cat and fsck straight from the pack.
extension StoreCommandTests {
    func git(_ arguments: [String]) throws -> CLI.Result {
        try CLI.run(["-C", store] + arguments, executable: URL(fileURLWithPath: "/usr/bin/git"))
    }

    /// The store's only pack and its largest blob, by stock git's listing.
    func largestPackedBlob() throws -> (pack: String, blob: PackedObject<String>) {
        let directory = store + "/objects/pack"
        let packs = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".pack") }
        XCTAssertEqual(packs.count, 1, "gc leaves one pack")
        let pack = directory + "/" + (try XCTUnwrap(packs.first))
        let largest = try PackedObject.list(pack).filter { $0.type == "blob" }.max { $0.size < $1.size }
        return (pack, try XCTUnwrap(largest))
    }

    func testALargeFileInAGCdStoreStreamsAndDamageInsideItIsFound() throws {
        let runpack = try makeRunpacks(1, runIDPrefix: "run_large_", payload: .text(bytes: 6_000_000))[0]
        let id = try importedIDs([runpack])[0]
        XCTAssertEqual(try gs(["gc", "--grace-period", "0"]).status, 0)

        let (pack, blob) = try largestPackedBlob()
        XCTAssertGreaterThan(blob.size, 5_000_000)
        XCTAssertFalse(blob.isDelta)
        let content = try git(["cat-file", "blob", blob.id]).stdoutBytes
        let digest = SHA256Digest.of(Array(content))

        let cat = try gs(["cat", digest.prefixed])
        XCTAssertEqual(cat.status, 0, cat.stderr)
        XCTAssertEqual(cat.stdoutBytes, content)
        let exported = path("export.zip")
        XCTAssertEqual(try gs(["export", id, "--out", exported]).status, 0)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: exported)), try Data(contentsOf: URL(fileURLWithPath: runpack)))
        XCTAssertEqual(try gs(["fsck"]).status, 0)

        // One byte flipped in the middle of the blob's compressed data.
        let pristine = try Data(contentsOf: URL(fileURLWithPath: pack))
        var damaged = pristine
        damaged[blob.offset + blob.sizeInPack / 2] ^= 0x10
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: pack)
        try damaged.write(to: URL(fileURLWithPath: pack))
        let damagedCat = try gs(["cat", digest.prefixed])
        XCTAssertEqual(damagedCat.status, 2, damagedCat.stderr)
        XCTAssertTrue(damagedCat.stderr.contains(blob.id), damagedCat.stderr)
        let damagedExport = try gs(["export", id, "--out", path("damaged.zip")])
        XCTAssertEqual(damagedExport.status, 2, damagedExport.stderr)
        // show hashes the pack's files straight from the pack (blobDigests): damage, not bad input.
        let damagedShow = try gs(["show", id])
        XCTAssertEqual(damagedShow.status, 2, damagedShow.stderr)
        let fsck = try gs(["fsck"])
        XCTAssertEqual(fsck.status, 2, fsck.stdout)
        XCTAssertTrue(fsck.stdout.contains("object \(blob.id)") && fsck.stdout.contains("in pack \(id)"), fsck.stdout)

        try pristine.write(to: URL(fileURLWithPath: pack))
        XCTAssertEqual(try gs(["fsck"]).status, 0)
    }
}
