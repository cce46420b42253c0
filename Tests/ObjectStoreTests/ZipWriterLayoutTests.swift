import XCTest
@testable import ObjectStore

/// The writer's bytes, field by field, against spec §3.1 (what Go's archive/zip writes for gait).
final class ZipWriterLayoutTests: XCTestCase {
    /// Raw DEFLATE (level 5, memLevel 8, default strategy) and CRC-32 of `data` from Python's zlib,
    /// an independent caller of the same library.
    private func pythonDeflate(_ data: [UInt8]) throws -> (deflated: [UInt8], crc: UInt32) {
        let out = try ZipTool.python("""
            import sys, zlib
            data = bytes.fromhex(sys.argv[1])
            c = zlib.compressobj(5, zlib.DEFLATED, -15, 8, zlib.Z_DEFAULT_STRATEGY)
            print((c.compress(data) + c.flush()).hex(), zlib.crc32(data))
            """, [Hex.encode(data)])
        let parts = out.split(separator: " ")
        return (Hex.decode(parts[0])!, UInt32(parts[1].trimmingCharacters(in: .whitespacesAndNewlines))!)
    }

    func testTwoEntryArchiveMatchesSpecLayoutFieldByField() throws {
        let script = Array("#!/bin/sh\necho hi\n".utf8)
        let text = Array("hello\n".utf8)
        // Given out of order, with a mode that must normalise to 0755.
        let zip = ZipBytes(bytes: try DeterministicZip.encode([
            ZipWriteEntry(path: "run.sh", mode: 0o700, content: .bytes(script)),
            ZipWriteEntry(path: "a.txt", content: .bytes(text)),
        ]))
        let expectedExtra: [UInt8] = [0x55, 0x54, 0x05, 0x00, 0x01, 0x00, 0xa6, 0xce, 0x12]

        var at = 0
        var localOffsets: [Int] = []
        var expected: [(name: String, deflated: [UInt8], crc: UInt32, size: Int)] = []
        for (name, data) in [("a.txt", text), ("run.sh", script)] {
            let (deflated, crc) = try pythonDeflate(data)
            expected.append((name, deflated, crc, data.count))
            localOffsets.append(at)
            XCTAssertEqual(zip.u32(at), 0x0403_4b50, "local header signature")
            XCTAssertEqual(zip.u16(at + 4), 20, "version needed")
            XCTAssertEqual(zip.u16(at + 6), 0x0008, "flags: data descriptor only")
            XCTAssertEqual(zip.u16(at + 8), 8, "deflate")
            XCTAssertEqual(zip.u16(at + 10), 0x0000, "mod time")
            XCTAssertEqual(zip.u16(at + 12), 0x0021, "mod date 1980-01-01")
            XCTAssertEqual([zip.u32(at + 14), zip.u32(at + 18), zip.u32(at + 22)], [0, 0, 0], "crc and sizes deferred")
            XCTAssertEqual(Int(zip.u16(at + 26)), name.utf8.count)
            XCTAssertEqual(zip.u16(at + 28), 9, "extra length")
            at += 30
            XCTAssertEqual(Array(zip.bytes[at..<at + name.utf8.count]), Array(name.utf8))
            at += name.utf8.count
            XCTAssertEqual(Array(zip.bytes[at..<at + 9]), expectedExtra)
            at += 9
            XCTAssertEqual(Array(zip.bytes[at..<at + deflated.count]), deflated, "\(name): zlib single-call output")
            at += deflated.count
            XCTAssertEqual(zip.u32(at), 0x0807_4b50, "data descriptor signature")
            XCTAssertEqual(zip.u32(at + 4), crc)
            XCTAssertEqual(Int(zip.u32(at + 8)), deflated.count)
            XCTAssertEqual(Int(zip.u32(at + 12)), data.count)
            at += 16
        }

        let directoryOffset = at
        for (index, entry) in expected.enumerated() {
            XCTAssertEqual(zip.u32(at), 0x0201_4b50, "central header signature")
            XCTAssertEqual(zip.u16(at + 4), 0x0314, "made by unix 2.0")
            XCTAssertEqual(zip.u16(at + 6), 20)
            XCTAssertEqual(zip.u16(at + 8), 0x0008)
            XCTAssertEqual(zip.u16(at + 10), 8)
            XCTAssertEqual(zip.u16(at + 12), 0)
            XCTAssertEqual(zip.u16(at + 14), 0x0021)
            XCTAssertEqual(zip.u32(at + 16), entry.crc)
            XCTAssertEqual(Int(zip.u32(at + 20)), entry.deflated.count)
            XCTAssertEqual(Int(zip.u32(at + 24)), entry.size)
            XCTAssertEqual(Int(zip.u16(at + 28)), entry.name.utf8.count)
            XCTAssertEqual(zip.u16(at + 30), 9)
            XCTAssertEqual([zip.u16(at + 32), zip.u16(at + 34), zip.u16(at + 36)], [0, 0, 0], "comment, disk, internal")
            XCTAssertEqual(zip.u32(at + 38), index == 0 ? 0x81A4_0000 : 0x81ED_0000, "external attributes")
            XCTAssertEqual(Int(zip.u32(at + 42)), localOffsets[index])
            at += 46
            XCTAssertEqual(Array(zip.bytes[at..<at + entry.name.utf8.count]), Array(entry.name.utf8))
            at += entry.name.utf8.count
            XCTAssertEqual(Array(zip.bytes[at..<at + 9]), expectedExtra)
            at += 9
        }

        XCTAssertEqual(Array(zip.bytes[at..<at + 4]), [0x50, 0x4b, 0x05, 0x06])
        XCTAssertEqual([zip.u16(at + 4), zip.u16(at + 6)], [0, 0], "disk numbers")
        XCTAssertEqual([zip.u16(at + 8), zip.u16(at + 10)], [2, 2], "entry counts")
        XCTAssertEqual(Int(zip.u32(at + 12)), at - directoryOffset, "central directory size")
        XCTAssertEqual(Int(zip.u32(at + 16)), directoryOffset)
        XCTAssertEqual(zip.u16(at + 20), 0, "no comment")
        XCTAssertEqual(zip.bytes.count, at + 22, "nothing after the end record")
    }

    func testUTF8FlagFollowsGoDetectUTF8() throws {
        let cases: [(String, Bool)] = [
            ("plain/name-1.txt", false), ("brace}", false), ("tilde~", true), ("back\\slash", true),
            ("caf\u{e9}", true), ("tab\tname", true), ("del\u{7f}", true),
        ]
        let zip = ZipBytes(bytes: try DeterministicZip.encode(cases.map {
            ZipWriteEntry(path: $0.0, content: .bytes(Array($0.0.utf8)))
        }))
        for record in zip.centralRecordOffsets {
            let nameLength = Int(zip.u16(record + 28))
            let name = String(decoding: zip.bytes[record + 46..<record + 46 + nameLength], as: UTF8.self)
            let utf8 = try XCTUnwrap(cases.first { $0.0 == name }).1
            let local = Int(zip.u32(record + 42))
            XCTAssertEqual(zip.u16(record + 8), utf8 ? 0x0808 : 0x0008, "central flags of \(name)")
            XCTAssertEqual(zip.u16(local + 6), utf8 ? 0x0808 : 0x0008, "local flags of \(name)")
        }
    }

    func testEmptyEntryIsZlibOutputForEmptyInput() throws {
        let zip = ZipBytes(bytes: try DeterministicZip.encode([ZipWriteEntry(path: "empty", content: .bytes([]))]))
        let data = zip.dataOffset(localHeader: 0)
        let (deflated, _) = try pythonDeflate([])
        XCTAssertEqual(Array(zip.bytes[data..<data + deflated.count]), deflated)
        let descriptor = data + deflated.count
        XCTAssertEqual(zip.u32(descriptor), 0x0807_4b50)
        XCTAssertEqual([zip.u32(descriptor + 4), zip.u32(descriptor + 8), zip.u32(descriptor + 12)],
                       [0, UInt32(deflated.count), 0])
        XCTAssertEqual(descriptor + 16, zip.centralDirectoryOffset)
    }

    func testEntriesSortedBytewiseAndModesNormalised() throws {
        // Swift's String order is not bytewise, and it calls "é" and "e\u{301}" equal; Go's
        // string order (the format's) is bytewise and tells them apart.
        let given: [(String, UInt32)] = [
            ("b", 0o644), ("caf\u{e9}", 0), ("a/z", 0o600), ("cafe\u{301}", 0o4755), ("a", 0o111),
            ("B", 0o100644), ("a.", 0o755),
        ]
        let scratch = try ZipScratchDirectory()
        let path = scratch.path("sorted.zip")
        _ = try DeterministicZip.write(given.map { ZipWriteEntry(path: $0.0, mode: $0.1, content: .bytes([1, 2, 3])) },
                                       to: path)
        let listing = try ZipTool.python("""
            import sys, zipfile
            for i in zipfile.ZipFile(sys.argv[1]).infolist():
                print(i.filename.encode('utf-8').hex(), oct(i.external_attr >> 16), i.date_time, i.create_system)
            """, [path])
        // (Not a Dictionary: Swift would merge the two "café" keys.)
        let expected: [(name: String, mode: String)] = [
            ("B", "0o100644"), ("a", "0o100755"), ("a.", "0o100755"), ("a/z", "0o100644"), ("b", "0o100644"),
            ("cafe\u{301}", "0o100755"), ("caf\u{e9}", "0o100644"),
        ]
        let lines = listing.split(separator: "\n").map { $0.split(separator: " ", maxSplits: 2) }
        XCTAssertEqual(lines.map { Hex.decode($0[0])! }, expected.map { Array($0.name.utf8) })
        for (line, entry) in zip(lines, expected) {
            XCTAssertEqual(String(line[1]), entry.mode, "mode of \(entry.name)")
            XCTAssertEqual(String(line[2]), "(1980, 1, 1, 0, 0, 0) 3", "time and creator of \(entry.name)")
        }
    }

    func testDuplicateDirectoryAndOverlongPathsAreRejected() {
        assertZipError(.duplicateEntry(entry: "x"), try DeterministicZip.encode([
            ZipWriteEntry(path: "x", content: .bytes([1])), ZipWriteEntry(path: "y", content: .bytes([])),
            ZipWriteEntry(path: "x", content: .bytes([2])),
        ]))
        assertZipError(.directoryEntry(entry: "dir/"), try DeterministicZip.encode([
            ZipWriteEntry(path: "dir/", content: .bytes([])),
        ]))
        let long = String(repeating: "n", count: 65536)
        assertZipError(.nameTooLong(entry: long), try DeterministicZip.encode([
            ZipWriteEntry(path: long, content: .bytes([])),
        ]))
        XCTAssertNoThrow(try DeterministicZip.encode([
            ZipWriteEntry(path: String(repeating: "n", count: 65535), content: .bytes([])),
        ]))
    }

    /// Go's zip64 rules (archive/zip writer.go), on records too large to build in a test.
    func testZip64RecordsFollowGoRules() {
        var record = ZipCentralRecord(name: Array("big".utf8), flags: 0x0008, externalAttributes: 0x81A4_0000,
                                      localHeaderOffset: 0x1_0000_0010, crc32: 0xDEAD_BEEF,
                                      compressedSize: 0x1234, uncompressedSize: 0x5678)
        // Only the offset is too large: sizes stay 32-bit in the descriptor, version 20, and the
        // central record carries all three values in a zip64 extra after the timestamp.
        var central = ZipBytes(bytes: ZipRecords.centralHeader(for: record))
        XCTAssertEqual(ZipRecords.dataDescriptor(for: record).count, 16)
        XCTAssertEqual(central.u16(6), 20)
        XCTAssertEqual([central.u32(20), central.u32(24), central.u32(42)], [0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF])
        XCTAssertEqual(central.u16(30), 9 + 28)
        let extra = 46 + 3 + 9
        XCTAssertEqual([central.u16(extra), central.u16(extra + 2)], [0x0001, 24])
        XCTAssertEqual(central.u32(extra + 4), 0x5678)
        XCTAssertEqual(central.u32(extra + 12), 0x1234)
        XCTAssertEqual([central.u32(extra + 20), central.u32(extra + 24)], [0x10, 1])

        record.localHeaderOffset = 10
        record.uncompressedSize = 0xFFFF_FFFF
        central = ZipBytes(bytes: ZipRecords.centralHeader(for: record))
        XCTAssertEqual(central.u16(6), 45, "sizes need zip64: version 4.5")
        XCTAssertEqual(ZipRecords.dataDescriptor(for: record).count, 24, "64-bit sizes in the descriptor")

        let end = ZipBytes(bytes: ZipRecords.end(entryCount: 70000, directorySize: 100, directoryOffset: 500))
        XCTAssertEqual(end.bytes.count, 56 + 20 + 22)
        XCTAssertEqual(end.u32(0), 0x0606_4b50)
        XCTAssertEqual(end.u32(56), 0x0706_4b50)
        XCTAssertEqual(end.u32(56 + 8), 600, "locator points at the zip64 end record")
        XCTAssertEqual([end.u16(76 + 8), end.u16(76 + 10)], [0xFFFF, 0xFFFF])
        XCTAssertEqual(ZipRecords.end(entryCount: 65534, directorySize: 1, directoryOffset: 1).count, 22)
    }
}
