import XCTest
@testable import ObjectStore

/// Damaged and hostile archives fail with one line naming the archive and the entry.
final class ZipReaderSafetyTests: XCTestCase {
    private var scratch: ZipScratchDirectory!

    override func setUpWithError() throws {
        scratch = try ZipScratchDirectory()
    }

    override func tearDown() {
        scratch = nil
    }

    /// A good archive's bytes, to damage.
    private func archive(_ entries: [(String, [UInt8])]) throws -> ZipBytes {
        ZipBytes(bytes: try DeterministicZip.encode(entries.map { ZipWriteEntry(path: $0.0, content: .bytes($0.1)) }))
    }

    private func save(_ zip: ZipBytes, _ name: String = "damaged.zip") throws -> String {
        try scratch.write(name, zip.bytes)
    }

    func testMissingFileAndNonZipFiles() throws {
        let missing = scratch.path("nope.zip")
        assertZipError(.missingFile(path: missing), try ZipReader(path: missing))
        XCTAssertEqual(ZipError.missingFile(path: missing).description, "\(missing): no such file")

        for (name, bytes) in [("text.zip", Array("just some text, not a zip\n".utf8)), ("empty.zip", []),
                              ("random.zip", ZipTestData.random(100_000))] {
            let path = try scratch.write(name, bytes)
            assertZipError(.notAZip(path: path), try ZipReader(path: path))
        }
    }

    func testTruncatedArchivesAreRejected() throws {
        let zip = try archive([("a.txt", ZipTestData.text(50_000)), ("b.txt", ZipTestData.text(20_000, seed: 5))])
        let ends = [zip.bytes.count - 1, zip.bytes.count - 22, zip.centralDirectoryOffset + 10, zip.bytes.count / 2, 4]
        for end in ends {
            let path = try save(ZipBytes(bytes: Array(zip.bytes[..<end])), "cut-\(end).zip")
            XCTAssertThrowsError(try ZipReader(path: path), "cut at \(end)") { error in
                guard case .notAZip(path) = error as? ZipError else { return XCTFail("cut at \(end): \(error)") }
            }
        }
        // Bytes missing from the middle: the end record survives but points past itself.
        var middle = zip.bytes
        middle.removeSubrange(1000..<1100)
        let path = try save(ZipBytes(bytes: middle))
        assertZipError(.corrupt(path: path, detail: "central directory outside the file"), try ZipReader(path: path))
    }

    func testFlippedBytesInCompressedDataAreDetected() throws {
        let data = ZipTestData.text(200_000, seed: 3)
        let zip = try archive([("data.log", data)])
        let start = zip.dataOffset(localHeader: 0)
        let length = Int(zip.u32(zip.centralRecordOffsets[0] + 20))
        for position in stride(from: start + 3, to: start + length, by: length / 7) {
            var damaged = zip
            damaged.bytes[position] ^= 0x20
            let path = try save(damaged, "flip-\(position).zip")
            let reader = try ZipReader(path: path)
            XCTAssertThrowsError(try reader.read(reader.entries[0]), "flip at \(position)") { error in
                switch error as? ZipError {
                case .crcMismatch(path, "data.log"), .sizeMismatch(path, "data.log", _, _):
                    break
                case let .corrupt(p, detail) where p == path && detail.hasPrefix("data.log: bad deflate data"):
                    break
                default:
                    XCTFail("flip at \(position): \(error)")
                }
                XCTAssertFalse("\(error)".contains("\n"))
            }
        }
    }

    func testCentralDirectoryCRCMismatch() throws {
        var zip = try archive([("a.txt", Array("hello".utf8))])
        let record = zip.centralRecordOffsets[0]
        zip.setU32(record + 16, zip.u32(record + 16) ^ 1)
        let path = try save(zip)
        let reader = try ZipReader(path: path)
        assertZipError(.crcMismatch(path: path, entry: "a.txt"), try reader.read(reader.entries[0]))
        XCTAssertEqual(ZipError.crcMismatch(path: path, entry: "a.txt").description, "\(path): a.txt: CRC-32 mismatch")
    }

    func testDataDescriptorMustAgreeWithTheCentralDirectory() throws {
        var zip = try archive([("a.txt", Array("hello".utf8))])
        let descriptor = zip.centralDirectoryOffset - 16
        zip.setU32(descriptor + 4, 0)
        let path = try save(zip)
        let reader = try ZipReader(path: path)
        assertZipError(.inconsistentHeaders(path: path, entry: "a.txt", detail: "data descriptor CRC-32"),
                       try reader.read(reader.entries[0]))
    }

    func testBombWithAHugeDeclaredSizeFailsBeforeInflating() throws {
        var zip = try archive([("bomb", Array(repeating: 0, count: 10_000))])
        zip.setU32(zip.centralRecordOffsets[0] + 24, 0xFFFF_FFF0)
        let path = try save(zip)
        let reader = try ZipReader(path: path)
        var delivered = 0
        assertZipError(.entryTooLarge(path: path, entry: "bomb", limit: 100 << 20),
                       try reader.stream(reader.entries[0]) { delivered += $0.count })
        XCTAssertEqual(delivered, 0)

        let permissive = try ZipReader(path: path, limits: ZipLimits(maxEntrySize: 8 << 30, maxTotalSize: 8 << 30))
        assertZipError(.ratioExceeded(path: path, entry: "bomb", limit: 1000),
                       try permissive.read(permissive.entries[0]))
    }

    /// The data inflates far past the size it declares: reading stops as soon as it passes it.
    func testBombWithALyingSmallDeclaredSizeStopsEarly() throws {
        var zip = try archive([("bomb", Array(repeating: 0, count: 40 << 20))])
        zip.setU32(zip.centralRecordOffsets[0] + 24, 1 << 20)
        let path = try save(zip)
        XCTAssertLessThan(zip.bytes.count, 100_000)
        let reader = try ZipReader(path: path)
        var delivered = 0
        assertZipError(.sizeMismatch(path: path, entry: "bomb", declared: 1 << 20, detail: "data has more"),
                       try reader.stream(reader.entries[0]) { delivered += $0.count })
        XCTAssertLessThanOrEqual(delivered, 1 << 20)
    }

    func testHonestlyDeclaredBombIsRejectedByRatio() throws {
        let zip = try archive([("zeros", Array(repeating: 0, count: 20 << 20))])
        let path = try save(zip)
        let reader = try ZipReader(path: path)
        assertZipError(.ratioExceeded(path: path, entry: "zeros", limit: 1000), try reader.read(reader.entries[0]))
        let tolerant = try ZipReader(path: path, limits: ZipLimits(maxRatio: 5000))
        XCTAssertEqual(try tolerant.read(tolerant.entries[0]).count, 20 << 20)
    }

    func testEntryAndTotalSizeLimitsApplyToProducedBytes() throws {
        let one = 1 << 20
        let zip = try archive([("a", ZipTestData.random(one, seed: 1)), ("b", ZipTestData.random(one, seed: 2)),
                               ("c", ZipTestData.random(one, seed: 3))])
        let path = try save(zip)
        let small = try ZipReader(path: path, limits: ZipLimits(maxEntrySize: one - 1))
        assertZipError(.entryTooLarge(path: path, entry: "a", limit: one - 1), try small.read(small.entries[0]))

        let reader = try ZipReader(path: path, limits: ZipLimits(maxTotalSize: 2 * one + one / 2))
        _ = try reader.read(reader.entries[0])
        _ = try reader.sha256(reader.entries[0])  // the same entry again is not counted twice
        _ = try reader.read(reader.entries[1])
        assertZipError(.totalTooLarge(path: path, limit: 2 * one + one / 2), try reader.read(reader.entries[2]))
    }

    func testTooManyEntries() throws {
        let path = try save(try archive([("a", []), ("b", []), ("c", [])]))
        assertZipError(.tooManyEntries(path: path, count: 3, limit: 2), try ZipReader(path: path, limits: ZipLimits(maxEntries: 2)))
    }

    func testUnsupportedMethodAndEncryptionAreNamed() throws {
        var zip = try archive([("x.bin", [1, 2, 3]), ("y.bin", [4])])
        let records = zip.centralRecordOffsets
        zip.setU16(records[0] + 10, 12)  // bzip2
        zip.setU16(records[1] + 8, zip.u16(records[1] + 8) | 1)
        let path = try save(zip)
        let reader = try ZipReader(path: path)
        assertZipError(.unsupportedMethod(path: path, entry: "x.bin", method: 12), try reader.read(reader.entries[0]))
        assertZipError(.encrypted(path: path, entry: "y.bin"), try reader.sha256(reader.entries[1]))
    }

    func testLocalHeaderNameMustMatchTheCentralDirectory() throws {
        var zip = try archive([("good.txt", [1, 2, 3])])
        zip.bytes[30] = UInt8(ascii: "G")
        let path = try save(zip)
        let reader = try ZipReader(path: path)
        assertZipError(.inconsistentHeaders(path: path, entry: "good.txt", detail: "local header name"),
                       try reader.read(reader.entries[0]))
    }

    func testEntriesFromAnotherReaderAreRefused() throws {
        let first = try ZipReader(path: try save(try archive([("a", [1])]), "one.zip"))
        let secondPath = try save(try archive([("b", [2])]), "two.zip")
        let second = try ZipReader(path: secondPath)
        assertZipError(.foreignEntry(path: secondPath, entry: "a"), try second.read(first.entries[0]))
    }

    func testErrorMessagesStayOnOneLine() throws {
        var zip = try archive([("evil\nname\r.txt", [1, 2, 3])])
        let record = zip.centralRecordOffsets[0]
        zip.setU32(record + 16, 0)
        let path = try save(zip)
        let reader = try ZipReader(path: path)
        XCTAssertThrowsError(try reader.read(reader.entries[0])) { error in
            XCTAssertEqual("\(error)", "\(path): evil\\u{a}name\\u{d}.txt: CRC-32 mismatch")
        }
    }
}
