import XCTest
@testable import ObjectStore

/// The archive bytes are a pure function of the entries: independent of thread count, of
/// whether content comes from memory or a file, and equal to an independent reference of the
/// chunked DEFLATE format built with Python's zlib.
final class ZipWriterDeterminismTests: XCTestCase {
    private let chunk = ZipDeflateFormat.chunkSize

    /// A mixed set: a multi-chunk entry, chunk-boundary sizes, many small entries, an empty one.
    private func mixedEntries() -> [ZipWriteEntry] {
        var entries = [
            ZipWriteEntry(path: "big/text.log", content: .bytes(ZipTestData.text(3 * chunk + chunk / 2, seed: 11))),
            ZipWriteEntry(path: "big/exact.bin", content: .bytes(ZipTestData.text(chunk, seed: 12))),
            ZipWriteEntry(path: "big/plus-one.bin", content: .bytes(ZipTestData.text(chunk + 1, seed: 13))),
            ZipWriteEntry(path: "big/random.bin", content: .bytes(ZipTestData.random(chunk + chunk / 3, seed: 14))),
            ZipWriteEntry(path: "empty", content: .bytes([])),
        ]
        for i in 0..<300 {
            entries.append(ZipWriteEntry(path: "small/\(i).json", mode: i % 7 == 0 ? 0o755 : 0o644,
                                         content: .bytes(ZipTestData.text(i * 37 % 4000, seed: UInt64(i)))))
        }
        return entries
    }

    func testSameBytesWithOneWorkerAndWithMany() throws {
        let entries = mixedEntries()
        let reference = try DeterministicZip.encode(entries, workers: 1)
        for workers in [2, 3, 8] {
            XCTAssertEqual(try DeterministicZip.encode(entries.shuffled(), workers: workers), reference,
                           "\(workers) workers")
        }
    }

    func testFileContentGivesTheSameBytesAsMemoryContent() throws {
        let scratch = try ZipScratchDirectory()
        // Exactly two chunks: the reader must discover the end without a short read.
        let sizes = [0, 1, chunk - 1, chunk, 2 * chunk, 2 * chunk + 5]
        var fromMemory: [ZipWriteEntry] = []
        var fromFiles: [ZipWriteEntry] = []
        for (i, size) in sizes.enumerated() {
            let data = ZipTestData.text(size, seed: UInt64(100 + i))
            let file = try scratch.write("input-\(i)", data)
            fromMemory.append(ZipWriteEntry(path: "f\(i)", content: .bytes(data)))
            fromFiles.append(ZipWriteEntry(path: "f\(i)", content: .file(file)))
        }
        let expected = try DeterministicZip.encode(fromMemory, workers: 2)
        XCTAssertEqual(try DeterministicZip.encode(fromFiles, workers: 2), expected)

        let summary = try DeterministicZip.write(fromFiles, to: scratch.path("out.zip"), workers: 1)
        let written = Array(try Data(contentsOf: URL(fileURLWithPath: scratch.path("out.zip"))))
        XCTAssertEqual(written, expected)
        XCTAssertEqual(summary, ZipWriteSummary(sha256: SHA256Digest.of(expected), size: expected.count))
    }

    /// The chunked format rebuilt independently: Python's zlib with each chunk primed by the
    /// previous 32 KiB (`zdict`), `Z_SYNC_FLUSH` between chunks and `Z_FINISH` at the end.
    func testMultiChunkEntryMatchesIndependentPigzStyleReference() throws {
        let scratch = try ZipScratchDirectory()
        let data = ZipTestData.text(2 * chunk + chunk / 2, seed: 21)
        let input = try scratch.write("input", data)
        let reference = try ZipTool.python("""
            import sys, zlib
            data = open(sys.argv[1], 'rb').read()
            size, window = int(sys.argv[2]), 32768
            out = b''
            for start in range(0, len(data), size):
                piece = data[start:start + size]
                last = start + size >= len(data)
                kw = {'zdict': data[max(0, start - window):start]} if start else {}
                c = zlib.compressobj(5, zlib.DEFLATED, -15, 8, zlib.Z_DEFAULT_STRATEGY, **kw)
                out += c.compress(piece) + c.flush(zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH)
            sys.stdout.write(out.hex())
            """, [input, String(chunk)])
        let zip = ZipBytes(bytes: try DeterministicZip.encode([ZipWriteEntry(path: "x", content: .file(input))]))
        let start = zip.dataOffset(localHeader: 0)
        let compressedSize = Int(zip.u32(zip.centralRecordOffsets[0] + 20))
        XCTAssertEqual(Hex.encode(zip.bytes[start..<start + compressedSize]), reference)
    }

    /// An entry that fits one chunk is exactly zlib's output for the whole input at once.
    func testSingleChunkEntryIsZlibSingleCallOutput() throws {
        let scratch = try ZipScratchDirectory()
        let data = ZipTestData.text(chunk, seed: 31)
        let input = try scratch.write("input", data)
        let reference = try ZipTool.python("""
            import sys, zlib
            sys.stdout.write(zlib.compress(open(sys.argv[1], 'rb').read(), 5, wbits=-15).hex())
            """, [input])
        let zip = ZipBytes(bytes: try DeterministicZip.encode([ZipWriteEntry(path: "x", content: .bytes(data))]))
        let start = zip.dataOffset(localHeader: 0)
        let compressedSize = Int(zip.u32(zip.centralRecordOffsets[0] + 20))
        XCTAssertEqual(Hex.encode(zip.bytes[start..<start + compressedSize]), reference)
    }
}
