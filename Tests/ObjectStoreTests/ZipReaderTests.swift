import Dispatch
import XCTest
@testable import ObjectStore

/// Reading archives written by the writer and by Python.
final class ZipReaderTests: XCTestCase {
    func testRoundTripThroughTheWriter() throws {
        let scratch = try ZipScratchDirectory()
        let contents: [String: [UInt8]] = [
            "b/second.json": ZipTestData.text(70_000, seed: 1),
            "a/first.bin": ZipTestData.random(3000, seed: 2),
            "empty": [],
            "multi": ZipTestData.text(ZipDeflateFormat.chunkSize * 2 + 99, seed: 3),
        ]
        let path = scratch.path("round.zip")
        _ = try DeterministicZip.write(contents.map { ZipWriteEntry(path: $0.key, content: .bytes($0.value)) }, to: path)

        let reader = try ZipReader(path: path)
        XCTAssertEqual(reader.entries.map(\.name), ["a/first.bin", "b/second.json", "empty", "multi"])
        XCTAssertEqual(reader.duplicateNames, [])
        for entry in reader.entries {
            let expected = try XCTUnwrap(contents[entry.name])
            XCTAssertEqual(try reader.read(entry), expected, entry.name)
            let hashed = try reader.sha256(entry)
            XCTAssertEqual(hashed.digest, SHA256Digest.of(expected), entry.name)
            XCTAssertEqual(hashed.size, expected.count)
            XCTAssertEqual(entry.uncompressedSize, UInt64(expected.count))
            XCTAssertEqual(entry.method, 8)
            XCTAssertEqual(entry.mode, 0o644)
            XCTAssertFalse(entry.isDirectory)
            XCTAssertNil(entry.unsafeNameReason)
        }
        XCTAssertEqual(reader.entry(named: "multi")?.name, "multi")
        XCTAssertNil(reader.entry(named: "missing"))
    }

    /// A released reader holds no descriptor, reads as before by opening the file per read, and
    /// refuses to read a file that was replaced at its path since it was opened.
    func testAReleasedReaderReopensPerReadAndNoticesAReplacedFile() throws {
        let scratch = try ZipScratchDirectory()
        let path = scratch.path("held.zip")
        let content = ZipTestData.text(50_000, seed: 4)
        _ = try DeterministicZip.write([ZipWriteEntry(path: "log.txt", content: .bytes(content))], to: path)
        func openDescriptors() throws -> Int { try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count }

        let before = try openDescriptors()
        let readers = try (0..<20).map { _ in try ZipReader(path: path) }
        XCTAssertEqual(try openDescriptors(), before + 20)
        readers.forEach { $0.releaseDescriptor() }
        XCTAssertEqual(try openDescriptors(), before)
        for reader in readers {
            XCTAssertEqual(try reader.read(reader.entries[0]), content)
        }
        XCTAssertEqual(try openDescriptors(), before, "a read after the release closes what it opened")

        // Same name, same size, other bytes: a different file now.
        var other = content
        other[0] ^= 1
        try FileManager.default.removeItem(atPath: path)
        _ = try DeterministicZip.write([ZipWriteEntry(path: "log.txt", content: .bytes(other))], to: path)
        XCTAssertThrowsError(try readers[0].read(readers[0].entries[0])) { error in
            XCTAssertTrue("\(error)".contains("replaced or changed after it was verified"), "\(error)")
        }
    }

    func testStreamingAMultiMegabyteEntryDeliversBoundedPieces() throws {
        let scratch = try ZipScratchDirectory()
        let data = ZipTestData.text(6 << 20, seed: 9)
        let path = scratch.path("big.zip")
        _ = try DeterministicZip.write([ZipWriteEntry(path: "big.log", content: .bytes(data))], to: path)
        let reader = try ZipReader(path: path)
        let entry = try XCTUnwrap(reader.entry(named: "big.log"))

        var pieces = 0
        var largest = 0
        var hasher = SHA256Hasher()
        var total = 0
        try reader.stream(entry) { piece in
            pieces += 1
            largest = max(largest, piece.count)
            total += piece.count
            hasher.update(piece)
        }
        XCTAssertEqual(total, data.count)
        XCTAssertEqual(hasher.finalize(), SHA256Digest.of(data))
        XCTAssertGreaterThan(pieces, 40)
        XCTAssertLessThanOrEqual(largest, 128 << 10)
        // Large enough for the two-thread hashing path.
        XCTAssertEqual(try reader.sha256(entry).digest, SHA256Digest.of(data))
    }

    func testConcurrentReadsOfOneReader() throws {
        let scratch = try ZipScratchDirectory()
        let contents = (0..<16).map { ZipTestData.text(300_000 + $0 * 1000, seed: UInt64($0)) }
        let path = scratch.path("many.zip")
        _ = try DeterministicZip.write(contents.enumerated().map {
            ZipWriteEntry(path: String(format: "f%02d", $0.offset), content: .bytes($0.element))
        }, to: path)
        let reader = try ZipReader(path: path)
        let digests = UnsafeMutableBufferPointer<SHA256Digest?>.allocate(capacity: contents.count)
        digests.initialize(repeating: nil)
        defer { digests.deallocate() }
        DispatchQueue.concurrentPerform(iterations: contents.count) { i in
            digests[i] = try? reader.sha256(reader.entries[i]).digest
        }
        XCTAssertEqual(Array(digests), contents.map { SHA256Digest.of($0) })
    }

    /// A zip from another writer: its order, methods, modes and directory entries as stored.
    func testZipWrittenByPython() throws {
        let scratch = try ZipScratchDirectory()
        let path = scratch.path("python.zip")
        _ = try ZipTool.python("""
            import sys, zipfile
            def info(name, attr, system=3, method=zipfile.ZIP_DEFLATED):
                i = zipfile.ZipInfo(name, (2020, 5, 17, 12, 30, 0))
                i.external_attr, i.create_system, i.compress_type = attr, system, method
                return i
            with zipfile.ZipFile(sys.argv[1], 'w') as z:
                z.writestr('z-last-name-first.txt', b'zz' * 5000, compress_type=zipfile.ZIP_DEFLATED)
                z.writestr(info('bin/run.sh', 0o100755 << 16, method=zipfile.ZIP_STORED), b'#!/bin/sh\\n')
                z.writestr(info('dir/', (0o40755 << 16) | 0x10, method=zipfile.ZIP_STORED), b'')
                z.writestr(info('dos/readonly.txt', 0x01, system=0), b'read only')
                z.writestr(info('dos/plain.txt', 0x20, system=11), b'archive bit')
                z.writestr(info('dos/folder/', 0x10, system=14, method=zipfile.ZIP_STORED), b'')
                z.writestr(info('other-os.txt', 0o100777 << 16, system=7), b'mac classic')
                z.writestr(info('a-stored.bin', 0o100600 << 16, method=zipfile.ZIP_STORED), bytes(range(256)) * 40)
            """, [path])
        let reader = try ZipReader(path: path)
        let expected: [(name: String, method: UInt16, mode: UInt32, directory: Bool, content: [UInt8])] = [
            ("z-last-name-first.txt", 8, 0o600, false, Array(repeating: Array("zz".utf8), count: 5000).flatMap { $0 }),
            ("bin/run.sh", 0, 0o755, false, Array("#!/bin/sh\n".utf8)),
            ("dir/", 0, 0o755, true, []),
            ("dos/readonly.txt", 8, 0o444, false, Array("read only".utf8)),
            ("dos/plain.txt", 8, 0o666, false, Array("archive bit".utf8)),
            ("dos/folder/", 0, 0o777, true, []),
            ("other-os.txt", 8, 0, false, Array("mac classic".utf8)),
            ("a-stored.bin", 0, 0o600, false, Array(repeating: Array(0...255), count: 40).flatMap { $0 }),
        ]
        XCTAssertEqual(reader.entries.map(\.name), expected.map(\.name), "central-directory order, unsorted")
        for (entry, want) in zip(reader.entries, expected) {
            XCTAssertEqual(entry.method, want.method, entry.name)
            XCTAssertEqual(entry.mode, want.mode, entry.name)
            XCTAssertEqual(entry.isDirectory, want.directory, entry.name)
            XCTAssertEqual(try reader.read(entry), want.content, entry.name)
            XCTAssertEqual(entry.flags & 0x0008, 0, "Python seeks back instead of writing descriptors")
        }
    }

    func testEntriesWithTheSameNormalisedNameAreReportedAsDuplicates() throws {
        let scratch = try ZipScratchDirectory()
        let path = scratch.path("dups.zip")
        _ = try ZipTool.python("""
            import sys, warnings, zipfile
            warnings.simplefilter('ignore')
            with zipfile.ZipFile(sys.argv[1], 'w') as z:
                for name in ['a.txt', 'dir\\\\b', 'a.txt', 'unique', ' dir/b\\u00a0', 'c', '\\u2003c\\n', 'C']:
                    z.writestr(name, name)
            """, [path])
        let reader = try ZipReader(path: path)
        XCTAssertEqual(reader.entries.count, 8)
        XCTAssertEqual(reader.duplicateNames, ["a.txt", "c", "dir/b"])
        XCTAssertEqual(reader.entry(named: "a.txt")?.index, 0, "the first of two exact duplicates")
        XCTAssertEqual(try reader.read(try XCTUnwrap(reader.entry(named: "C"))), Array("C".utf8))
    }

    /// Spec §17: names that could escape an extraction directory.
    func testUnsafeNamesAreClassified() throws {
        let cases: [(String, String?)] = [
            ("/etc/passwd", "absolute path"),
            ("../evil", "'..' path segment"),
            ("a/../../b", "'..' path segment"),
            ("a/..", "'..' path segment"),
            ("..", "'..' path segment"),
            ("dir\\file", "backslash"),
            ("nul\u{0}name", "NUL byte"),
            ("a..b/..c/d../...", nil),
            ("ok/./x", nil),
        ]
        let scratch = try ZipScratchDirectory()
        let path = scratch.path("names.zip")
        _ = try DeterministicZip.write(cases.map { ZipWriteEntry(path: $0.0, content: .bytes([1])) }, to: path)
        let reader = try ZipReader(path: path)
        XCTAssertEqual(reader.entries.count, cases.count)
        for (name, reason) in cases {
            XCTAssertEqual(reader.entry(named: name)?.unsafeNameReason, reason, name)
        }
    }

    func testNamesThatAreNotUTF8AreKeptAsBytesAndShownLossily() throws {
        let scratch = try ZipScratchDirectory()
        var zip = ZipBytes(bytes: try DeterministicZip.encode([ZipWriteEntry(path: "caf-.txt", content: .bytes([7]))]))
        zip.bytes[30 + 3] = 0xE9  // Latin-1 "é" in the local header ...
        zip.bytes[zip.centralRecordOffsets[0] + 46 + 3] = 0xE9  // ... and in the central directory
        let path = try scratch.write("latin1.zip", zip.bytes)
        let reader = try ZipReader(path: path)
        let entry = reader.entries[0]
        XCTAssertEqual(entry.nameBytes, [0x63, 0x61, 0x66, 0xE9, 0x2E, 0x74, 0x78, 0x74])
        XCTAssertEqual(entry.name, "caf\u{FFFD}.txt")
        XCTAssertEqual(try reader.read(entry), [7])
        XCTAssertNil(reader.entry(named: "caf\u{e9}.txt"), "names match by bytes, not by decoded text")
    }
}
