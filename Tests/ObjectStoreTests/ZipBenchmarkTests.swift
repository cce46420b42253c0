import Foundation
import XCTest
@testable import ObjectStore

/// Build speed against Python's zipfile at level 5 on a ~100 MB pack, and peak memory.
/// Run by hand in a release build, figures go to docs/performance.md:
///     GAITSTORE_ZIP_BENCH=1 swift test -c release --filter ZipBenchmarkTests
/// Skipped otherwise: it takes a while and timing depends on the machine, so nothing is asserted
/// about speed; the output is still checked to be a valid archive of the same content.
final class ZipBenchmarkTests: XCTestCase {
    func testWriteHundredMegabytePackAgainstPythonZipfile() throws {
        try XCTSkipUnless(ProcessInfo.processInfo.environment["GAITSTORE_ZIP_BENCH"] != nil,
                          "set GAITSTORE_ZIP_BENCH=1 (release build) to run")
        let scratch = try ZipScratchDirectory()
        let inputs = try makePack(in: scratch)
        let totalBytes = inputs.reduce(0) { $0 + $1.size }
        let entries = inputs.map { ZipWriteEntry(path: $0.name, content: .file($0.path)) }
        print("bench: \(inputs.count) files, \(totalBytes) bytes")

        var ours: [Double] = []
        var peakGrowth = 0
        var summary: ZipWriteSummary?
        for _ in 0..<3 {
            let before = ZipMemory.resetPeak()
            let start = Date()
            summary = try DeterministicZip.write(entries, to: scratch.path("ours.zip"))
            ours.append(Date().timeIntervalSince(start))
            peakGrowth = max(peakGrowth, ZipMemory.peak() - before)
        }

        let listFile = try scratch.write("list", Array(inputs.map { "\($0.name)\t\($0.path)" }.joined(separator: "\n").utf8))
        let python = try ZipTool.python("""
            import sys, time, zipfile
            pairs = [l.split('\\t') for l in open(sys.argv[1]).read().split('\\n')]
            best = []
            for _ in range(3):
                t = time.perf_counter()
                with zipfile.ZipFile(sys.argv[2], 'w', zipfile.ZIP_DEFLATED, compresslevel=5) as z:
                    for name, path in sorted(pairs):
                        z.write(path, name)
                best.append(time.perf_counter() - t)
            import os
            print(' '.join('%.3f' % b for b in best), os.path.getsize(sys.argv[2]))
            """, [listFile, scratch.path("python.zip")])

        let theirs = python.split(separator: " ").prefix(3).compactMap { Double($0) }
        let pythonSize = python.split(separator: " ").last.map { String($0).trimmingCharacters(in: .whitespacesAndNewlines) } ?? "?"
        let best = ours.min()!, pythonBest = theirs.min()!
        print(String(format: "bench: gaitstore %.3f s (runs %@), %d bytes, peak RSS growth %.1f MiB",
                     best, ours.map { String(format: "%.3f", $0) }.joined(separator: " "),
                     summary!.size, Double(peakGrowth) / 1_048_576))
        print(String(format: "bench: python zipfile level 5 %.3f s (runs %@), %@ bytes",
                     pythonBest, theirs.map { String(format: "%.3f", $0) }.joined(separator: " "), pythonSize))
        print(String(format: "bench: speed-up %.2fx, workers %d", pythonBest / best, DeterministicZip.defaultWorkerCount))

        // Read side: hash every entry through the reader.
        let reader = try ZipReader(path: scratch.path("ours.zip"))
        let readStart = Date()
        var hashed = 0
        for entry in reader.entries { hashed += try reader.sha256(entry).size }
        print(String(format: "bench: reader sha256 of all entries %.3f s", Date().timeIntervalSince(readStart)))
        XCTAssertEqual(hashed, totalBytes)
        XCTAssertEqual(try ZipTool.run("unzip", ["-tqq", scratch.path("ours.zip")]).status, 0)
    }

    /// About 100 MB shaped like a big pack: one large log, a few mid-size files (some binary),
    /// and thousands of small JSON-like records.
    private func makePack(in scratch: ZipScratchDirectory) throws -> [(name: String, path: String, size: Int)] {
        var files: [(String, [UInt8])] = []
        files.append(("logs/trace.jsonl", ZipTestData.text(40 << 20, seed: 1)))
        for i in 0..<8 {
            let data = i % 4 == 3 ? ZipTestData.random(4 << 20, seed: UInt64(i)) : ZipTestData.text(4 << 20, seed: UInt64(10 + i))
            files.append(("artifacts/blob-\(i).bin", data))
        }
        for i in 0..<2500 {
            files.append(("records/\(i / 100)/\(i).json", ZipTestData.text(2_000 + (i * 7919) % 20_000, seed: UInt64(100 + i))))
        }
        return try files.enumerated().map { index, file in
            let path = try scratch.write("in-\(index)", file.1)
            return (file.0, path, file.1.count)
        }
    }
}
