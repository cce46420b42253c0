import XCTest
@testable import ObjectStore

/// Writing streams: memory does not grow with the archive.
final class ZipWriterMemoryTests: XCTestCase {
    func testWritingA64MegabyteFileKeepsMemoryBounded() throws {
        try XCTSkipUnless(ZipMemory.isAvailable, "needs /proc/self/clear_refs (Linux)")
        let scratch = try ZipScratchDirectory()
        let block = ZipTestData.text(4 << 20, seed: 5)
        let input = scratch.path("big.log")
        XCTAssertTrue(FileManager.default.createFile(atPath: input, contents: nil))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: input))
        for _ in 0..<16 { try handle.write(contentsOf: Data(block)) }
        try handle.close()
        // Plus many small files, which are batched.
        var entries = [ZipWriteEntry(path: "big.log", content: .file(input))]
        for i in 0..<400 {
            entries.append(ZipWriteEntry(path: "small/\(i)", content: .file(try scratch.write("s\(i)", Array(block[i * 5000..<i * 5000 + 4000])))))
        }

        let before = ZipMemory.resetPeak()
        let summary = try DeterministicZip.write(entries, to: scratch.path("out.zip"), workers: 2)
        let growth = ZipMemory.peak() - before
        XCTAssertLessThan(growth, 40 << 20, "peak memory grew by \(growth >> 20) MiB for a 64 MiB input")

        let reader = try ZipReader(path: scratch.path("out.zip"))
        XCTAssertEqual(reader.entries.count, 401)
        XCTAssertEqual(try reader.sha256(reader.entries[0]).size, 64 << 20)
        XCTAssertEqual(summary.size, Int(try FileManager.default.attributesOfItem(atPath: scratch.path("out.zip"))[.size] as! UInt64))
    }
}
