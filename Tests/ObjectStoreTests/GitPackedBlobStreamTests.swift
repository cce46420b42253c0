import Foundation
import XCTest
@testable import ObjectStore

#if canImport(Glibc)
import Glibc
#endif

/// `streamBlob` reads a blob stored whole in a pack straight from the pack file, in bounded memory,
/// with libgit2's integrity check; the pack indexes it needs are parsed once per handle.
final class GitPackedBlobStreamTests: GitTestCase {
    /// Text of `size` bytes, lines numbered from `first`; different `first`s share most lines.
    func text(_ size: Int, first: Int = 0) -> [UInt8] {
        var bytes = [UInt8]()
        bytes.reserveCapacity(size + 100)
        var line = first
        while bytes.count < size {
            bytes += Array("record \(line): the agent called a tool and kept what it answered\n".utf8)
            line += 1
        }
        return Array(bytes.prefix(size))
    }

    /// Makes malloc give every block of 256 KB or more its own mapping, unmapped when freed, so
    /// that the resident size follows the large blocks in use (glibc would otherwise raise that
    /// limit as blocks are freed, and serve them from heap pages that are already resident);
    /// the returned closure puts back glibc's default of 128 KiB. Setting the threshold at all
    /// switches glibc's raising of it off for the rest of the process (there is no call to switch
    /// it back on), so the tests that run later see a fixed 128 KiB, not the moving default.
    func mapLargeBlocksOfTheirOwn() throws -> () -> Void {
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        let mmapThreshold: Int32 = -3  // M_MMAP_THRESHOLD, malloc.h
        let mallopt = unsafeBitCast(try XCTUnwrap(dlsym(dlopen(nil, RTLD_NOW), "mallopt")), to: Mallopt.self)
        XCTAssertEqual(mallopt(mmapThreshold, 256 << 10), 1, "mallopt")
        return { XCTAssertEqual(mallopt(mmapThreshold, 128 << 10), 1, "mallopt") }
    }

    /// Streams `blob` and returns its SHA-256.
    func read(_ blob: GitOID, in repository: GitRepository) throws -> SHA256Digest {
        var hasher = SHA256Hasher()
        try repository.streamBlob(blob) { chunk in
            XCTAssertLessThanOrEqual(chunk.count, GitRepository.streamChunkSize)
            hasher.update(chunk)
        }
        return hasher.finalize()
    }

    /// Streams `blob`, returning its SHA-256 and how far the resident size grew, at most, meanwhile:
    /// the kernel's high-water mark, so a peak between two chunks counts too.
    func readMeasuringPeak(_ blob: GitOID, in repository: GitRepository) throws -> (digest: SHA256Digest, peakGrowth: Int) {
        let before = ZipMemory.resetPeak()
        let digest = try read(blob, in: repository)
        return (digest, ZipMemory.peak() - before)
    }

    func testAPackedWholeBlobStreamsInBoundedMemoryAndADeltaDoesNot() throws {
        try XCTSkipUnless(ZipMemory.isAvailable, "needs /proc/self/clear_refs (Linux)")
        let restoreMallocDefault = try mapLargeBlocksOfTheirOwn()
        defer { restoreMallocDefault() }
        let size = 24 << 20
        let original = text(size), edited = text(size, first: 7)
        let blobs = try commitBlobs([original, edited]).blobs
        let digests = [original, edited].map { SHA256Digest.of($0) }

        // libgit2's default threshold (512 MB): one version becomes a delta of the other.
        try repo.repack(gracePeriod: 0)
        let delta = Set(try deltaBases().keys)
        XCTAssertEqual(delta.count, 1, "one of two near-identical blobs is stored as a delta")
        for (blob, digest) in zip(blobs, digests) {
            let (digestRead, peak) = try readMeasuringPeak(blob, in: repo)
            XCTAssertEqual(digestRead, digest)
            if delta.contains(blob) {
                XCTAssertNil(repo.packedWholeBlob(blob))
                XCTAssertGreaterThan(peak, size, "libgit2 rebuilds a delta whole in memory")
            } else {
                XCTAssertNotNil(repo.packedWholeBlob(blob))
                XCTAssertLessThan(peak, 4 << 20, "a whole blob streams from the pack")
            }
        }

        // Below the size, neither is deltified: both stream. libgit2 1.5 reads its big-file
        // threshold from pack.deltaCacheSize.
        try repo.setLocalConfig("pack.deltaCacheSize", to: Int64(size / 2))
        try repo.repack(gracePeriod: 0)
        XCTAssertEqual(try deltaBases(), [:])
        let fresh = try GitRepository.open(at: repoPath)
        for (blob, digest) in zip(blobs, digests) {
            let (digestRead, peak) = try readMeasuringPeak(blob, in: fresh)
            XCTAssertEqual(digestRead, digest)
            XCTAssertLessThan(peak, 4 << 20)
        }
    }

    func testTheReadersOwnErrorComesOutUnchanged() throws {
        struct Stop: Error {}
        let blob = try commitBlobs([text(1 << 20)]).blobs[0]
        try repo.repack(gracePeriod: 0)
        XCTAssertNotNil(repo.packedWholeBlob(blob))
        var chunks = 0
        XCTAssertThrowsError(try repo.streamBlob(blob) { _ in
            chunks += 1
            throw Stop()
        }) { XCTAssertTrue($0 is Stop, "\($0)") }
        XCTAssertEqual(chunks, 1)
    }

    /// Where a blob's zlib stream lies in the only pack, from stock git's listing.
    func zlibStream(of blob: GitOID) throws -> (pack: String, range: Range<Int>) {
        let packs = GitPackIndex.packs(inRepository: repoPath)
        XCTAssertEqual(packs.count, 1)
        let pack = try XCTUnwrap(packs.first)
        let entry = try XCTUnwrap(try verifyPack(pack).first { $0.id == blob })
        let bytes = try XCTUnwrap(FileManager.default.contents(atPath: pack))
        var header = 1
        while bytes[entry.offset + header - 1] & 0x80 != 0 { header += 1 }
        return (pack, (entry.offset + header)..<(entry.offset + entry.sizeInPack))
    }

    func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in bytes {
            a = (a + UInt32(byte)) % 65521
            b = (b + a) % 65521
        }
        return (b << 16) | a
    }

    func testDamageInsideAPackedBlobIsADamagedObject() throws {
        let content = text(600_000)
        let blob = try commitBlobs([content]).blobs[0]
        // Uncompressed (stored) deflate blocks: the content lies in the pack as it is.
        try git("-c", "pack.compression=0", "gc", "--quiet")
        let (pack, stream) = try zlibStream(of: blob)
        let pristine = try XCTUnwrap(FileManager.default.contents(atPath: pack))
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: pack)
        let at = try XCTUnwrap(pristine[stream].range(of: Data("record 5000:".utf8))).lowerBound
        XCTAssertNotNil(try GitRepository.open(at: repoPath).packedWholeBlob(blob))

        // A flipped byte: zlib's own checksum catches it.
        var flipped = pristine
        flipped[at] ^= 0x01
        try flipped.write(to: URL(fileURLWithPath: pack))
        XCTAssertThrowsError(try read(blob, in: try GitRepository.open(at: repoPath))) { error in
            let git = error as? GitError
            XCTAssertEqual(git?.isDamagedObject, true, "\(error)")
            XCTAssertTrue("\(error)".hasPrefix("read blob \(blob.hex): pack \(pack) "), "\(error)")
        }

        // The same byte changed with zlib's checksum made to match: git's SHA-1 catches it.
        var forged = flipped
        var changed = content
        changed[try XCTUnwrap(content.firstRange(of: Array("record 5000:".utf8))).lowerBound] ^= 0x01
        let adler = adler32(changed)
        forged.replaceSubrange((stream.upperBound - 4)..<stream.upperBound, with: [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: adler >> $0) })
        try forged.write(to: URL(fileURLWithPath: pack))
        XCTAssertThrowsError(try read(blob, in: try GitRepository.open(at: repoPath))) { error in
            let git = error as? GitError
            XCTAssertEqual(git?.isDamagedObject, true, "\(error)")
            XCTAssertTrue("\(error)".contains("hash mismatch"), "\(error)")
        }

        try pristine.write(to: URL(fileURLWithPath: pack))
        XCTAssertEqual(try read(blob, in: try GitRepository.open(at: repoPath)), SHA256Digest.of(content))
    }

    func testThePackIndexesAreParsedOnceAndANewPackIsSeenAfterGC() throws {
        let first = try randomBytes(400_000), second = try randomBytes(500_000)
        let a = try commitBlobs([first]).blobs[0]
        try git("gc", "--quiet")
        for _ in 0..<3 { XCTAssertEqual(try read(a, in: repo), SHA256Digest.of(first)) }
        XCTAssertNotNil(repo.packedWholeBlob(a))
        XCTAssertEqual(repo.packIndexes.parseCount, 1, "one pack, parsed once however often it is read")
        let oldPack = try XCTUnwrap(repo.packIndexes.indexes.first?.packPath)

        // Another process packs a new blob with the old one; the old pack goes.
        let b = try commitBlobs([first, second]).blobs[1]
        XCTAssertNil(repo.packedWholeBlob(b), "loose until gc")
        try git("gc", "--quiet", "--prune=now")
        XCTAssertFalse(FileManager.default.fileExists(atPath: oldPack))
        XCTAssertNotNil(repo.packedWholeBlob(b))
        XCTAssertEqual(repo.packIndexes.parseCount, 2)
        XCTAssertEqual(repo.packIndexes.indexes.map(\.packPath), GitPackIndex.packs(inRepository: repoPath))
        XCTAssertEqual(try read(a, in: repo), SHA256Digest.of(first))
        XCTAssertEqual(try read(b, in: repo), SHA256Digest.of(second))
    }

    func testAStoreSetsItsBigFileThresholdAtInitAndBeforeGC() throws {
        let storePath = scratch + "/store"
        let store = try Store.create(at: storePath)
        func config(_ key: String) throws -> String {
            try run("/usr/bin/git", ["-C", storePath, "config", "--get", key]).text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        XCTAssertEqual(try config("core.bigFileThreshold"), "\(16 << 20)")
        XCTAssertEqual(try config("pack.deltaCacheSize"), "\(16 << 20)")

        // A store from before the setting gets it at gc; a value set by hand stays.
        XCTAssertEqual(try run("/usr/bin/git", ["-C", storePath, "config", "--unset", "core.bigFileThreshold"]).status, 0)
        XCTAssertEqual(try run("/usr/bin/git", ["-C", storePath, "config", "pack.deltaCacheSize", "1m"]).status, 0)
        try store.collectGarbage(gracePeriod: 0)
        XCTAssertEqual(try config("core.bigFileThreshold"), "\(16 << 20)")
        XCTAssertEqual(try config("pack.deltaCacheSize"), "1m")
    }
}
