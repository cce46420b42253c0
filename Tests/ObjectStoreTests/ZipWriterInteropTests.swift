import XCTest
@testable import ObjectStore

/// Other implementations accept what the writer produces and read back the same bytes.
final class ZipWriterInteropTests: XCTestCase {
    private var unzipAvailable: Bool {
        (try? ZipTool.run("unzip", ["-v"]).status) == 0
    }

    func testUnzipAndPythonAcceptTheOutputAndReadTheSameContent() throws {
        XCTAssertTrue(unzipAvailable, "unzip is required (apt-get install unzip)")
        let scratch = try ZipScratchDirectory()
        let chunk = ZipDeflateFormat.chunkSize
        let contents: [(String, UInt32, [UInt8])] = [
            ("multi/chunk.log", 0o644, ZipTestData.text(3 * chunk + 12_345, seed: 41)),
            ("multi/random.bin", 0o644, ZipTestData.random(chunk + chunk / 2, seed: 42)),
            ("bin/tool", 0o755, ZipTestData.text(5000, seed: 43)),
            ("empty.txt", 0o644, []),
            ("d\u{e9}j\u{e0}-vu/\u{65e5}\u{672c}.json", 0o644, Array("{\"k\":1}\n".utf8)),
        ]
        let path = scratch.path("pack.zip")
        _ = try DeterministicZip.write(contents.map { ZipWriteEntry(path: $0.0, mode: $0.1, content: .bytes($0.2)) },
                                       to: path)

        let unzip = try ZipTool.run("unzip", ["-t", path])
        XCTAssertEqual(unzip.status, 0, unzip.stdout + unzip.stderr)
        XCTAssertTrue(unzip.stdout.contains("No errors detected"), unzip.stdout)

        let listing = try ZipTool.python("""
            import hashlib, sys, zipfile
            z = zipfile.ZipFile(sys.argv[1])
            assert z.testzip() is None, z.testzip()
            for i in z.infolist():
                print(i.filename.encode().hex(), hashlib.sha256(z.read(i)).hexdigest(), oct(i.external_attr >> 16))
            """, [path])
        let expected = contents.sorted { Array($0.0.utf8).lexicographicallyPrecedes(Array($1.0.utf8)) }
        let lines = listing.split(separator: "\n").map { $0.split(separator: " ") }
        XCTAssertEqual(lines.count, expected.count)
        for (line, entry) in zip(lines, expected) {
            XCTAssertEqual(String(decoding: Hex.decode(line[0])!, as: UTF8.self), entry.0)
            XCTAssertEqual(String(line[1]), SHA256Digest.of(entry.2).hex, "content of \(entry.0)")
            XCTAssertEqual(String(line[2]), entry.1 == 0o755 ? "0o100755" : "0o100644")
        }

        let extracted = try ZipTool.run("unzip", ["-p", path, "multi/chunk.log"])
        XCTAssertEqual(extracted.status, 0)
        XCTAssertEqual(SHA256Digest.of(extracted.stdout), SHA256Digest.of(contents[0].2))
    }

    /// From 65535 entries on, Go (and so the writer) adds zip64 end records.
    func testZip64EndRecordsForManyEntriesAreReadByPythonAndUnzip() throws {
        let scratch = try ZipScratchDirectory()
        let count = 65_536
        let entries = (0..<count).map { ZipWriteEntry(path: String(format: "e/%05d", $0), content: .bytes([])) }
        let path = scratch.path("many.zip")
        _ = try DeterministicZip.write(entries, to: path)
        let bytes = ZipBytes(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        XCTAssertEqual(bytes.u32(bytes.endOffset - 20), 0x0706_4b50, "zip64 locator before the end record")
        XCTAssertEqual(bytes.u16(bytes.endOffset + 10), 0xFFFF)

        let python = try ZipTool.python("""
            import sys, zipfile
            z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None
            print(len(z.infolist()), z.infolist()[-1].filename)
            """, [path])
        XCTAssertEqual(python, "\(count) e/65535\n")
        let unzip = try ZipTool.run("unzip", ["-tqq", path])
        XCTAssertEqual(unzip.status, 0, unzip.stdout + unzip.stderr)
        let reader = try ZipReader(path: path)
        XCTAssertEqual(reader.entries.count, count)
        XCTAssertEqual(reader.entries.last?.name, "e/65535")
        XCTAssertEqual(try reader.read(reader.entries[count - 1]), [])
    }
}
