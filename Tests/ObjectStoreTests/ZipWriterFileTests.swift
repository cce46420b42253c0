import XCTest
@testable import ObjectStore

/// `DeterministicZip.write` replaces its destination atomically, or not at all.
final class ZipWriterFileTests: XCTestCase {
    private func permissions(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    func testWriteReplacesTheDestinationWithTheRequestedModeAndReportsItsDigest() throws {
        let scratch = try ZipScratchDirectory()
        let path = try scratch.write("pack.zip", Array("old contents".utf8))
        let entries = [ZipWriteEntry(path: "a", content: .bytes(ZipTestData.text(10_000)))]
        let summary = try DeterministicZip.write(entries, to: path, fileMode: 0o600)

        let written = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        XCTAssertEqual(written, try DeterministicZip.encode(entries))
        XCTAssertEqual(summary.sha256, SHA256Digest.of(written))
        XCTAssertEqual(summary.size, written.count)
        XCTAssertEqual(try permissions(path), 0o600)
        XCTAssertEqual(try scratch.contents(), ["pack.zip"], "no temporary file left behind")

        _ = try DeterministicZip.write(entries, to: path)
        XCTAssertEqual(try permissions(path), 0o644, "default mode, whatever the umask")
    }

    func testEmptyEntryListWritesAZeroByteFileAsGaitDoes() throws {
        let scratch = try ZipScratchDirectory()
        let path = scratch.path("empty.zip")
        let summary = try DeterministicZip.write([], to: path)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)).count, 0)
        XCTAssertEqual(summary, ZipWriteSummary(sha256: SHA256Digest.of([UInt8]()), size: 0))
        XCTAssertEqual(try DeterministicZip.encode([]), [])
    }

    func testAFailedWriteLeavesTheDestinationUntouched() throws {
        let scratch = try ZipScratchDirectory()
        let path = try scratch.write("pack.zip", Array("previous archive".utf8))
        let missing = scratch.path("gone.bin")
        // The failure comes after megabytes are already in flight on the workers.
        let entries = [
            ZipWriteEntry(path: "a-big", content: .bytes(ZipTestData.text(5 << 20))),
            ZipWriteEntry(path: "b-missing", content: .file(missing)),
        ]
        assertZipError(.missingFile(path: missing), try DeterministicZip.write(entries, to: path, workers: 2))
        XCTAssertEqual(Array(try Data(contentsOf: URL(fileURLWithPath: path))), Array("previous archive".utf8))
        XCTAssertEqual(try scratch.contents(), ["pack.zip"])

        let noDirectory = scratch.path("no/such/dir/pack.zip")
        XCTAssertThrowsError(try DeterministicZip.write(entries, to: noDirectory)) { error in
            guard case .io(_, "create", _) = error as? ZipError else { return XCTFail("\(error)") }
            XCTAssertTrue("\(error)".contains("no/such/dir/.pack.zip."), "\(error)")
        }
    }
}
