/// Finds and parses the end records and the central directory, the way Go's `archive/zip`
/// `OpenReader` does (the archive's own index, not a scan of local headers).
struct ZipCentralDirectory {
    let entries: [ZipEntry]
    /// Where the central directory starts: every entry's data must end before it.
    let offset: UInt64

    private struct End {
        var entryCount: UInt64
        var size: UInt64
        var offset: UInt64
        /// Where the records describing the directory start (the zip64 end record if any).
        var recordsStart: UInt64
    }

    static func read(fd: Int32, path: String, fileSize: UInt64, limits: ZipLimits) throws -> ZipCentralDirectory {
        let end = try readEnd(fd: fd, path: path, fileSize: fileSize)
        guard end.entryCount <= UInt64(limits.maxEntries) else {
            throw ZipError.tooManyEntries(path: path, count: end.entryCount, limit: limits.maxEntries)
        }
        let (directoryEnd, overflow) = end.offset.addingReportingOverflow(end.size)
        guard !overflow, directoryEnd <= end.recordsStart else {
            throw ZipError.corrupt(path: path, detail: "central directory outside the file")
        }
        guard end.entryCount <= end.size / UInt64(ZipLayout.centralHeaderLength) else {
            throw ZipError.corrupt(path: path, detail: "central directory too small for \(end.entryCount) entries")
        }
        var cursor = ZipFileCursor(fd: fd, path: path, offset: end.offset, end: directoryEnd)
        var entries: [ZipEntry] = []
        entries.reserveCapacity(Int(end.entryCount))
        for index in 0..<Int(end.entryCount) {
            entries.append(try readRecord(&cursor, index: index, path: path))
        }
        return ZipCentralDirectory(entries: entries, offset: end.offset)
    }

    private static func readEnd(fd: Int32, path: String, fileSize: UInt64) throws -> End {
        let tailLength = Int(min(fileSize, UInt64(ZipLayout.endLength + ZipLayout.maxCommentLength)))
        let tailStart = fileSize - UInt64(tailLength)
        let tail = try readExactly(fd: fd, path: path, at: tailStart, count: tailLength)
        guard let position = findEndSignature(tail) else { throw ZipError.notAZip(path: path) }
        var r = ZipByteReader(tail, at: position + 4)
        let disk = r.u16(), directoryDisk = r.u16()
        _ = r.u16()
        let count = r.u16()
        let size = r.u32(), offset = r.u32()
        guard disk == 0, directoryDisk == 0 else {
            throw ZipError.corrupt(path: path, detail: "multi-disk archives are not supported")
        }
        let endOffset = tailStart + UInt64(position)
        var end = End(entryCount: UInt64(count), size: UInt64(size), offset: UInt64(offset), recordsStart: endOffset)
        if UInt64(count) == ZipLayout.uint16Max || UInt64(size) == ZipLayout.uint32Max
            || UInt64(offset) == ZipLayout.uint32Max,
           let zip64 = try readZip64End(fd: fd, path: path, endOffset: endOffset) {
            end = zip64
        }
        return end
    }

    /// The last end signature whose comment fits in the file (as Go's `findSignatureInBlock`).
    private static func findEndSignature(_ tail: [UInt8]) -> Int? {
        var i = tail.count - ZipLayout.endLength
        while i >= 0 {
            if tail[i] == 0x50, tail[i + 1] == 0x4b, tail[i + 2] == 0x05, tail[i + 3] == 0x06 {
                let commentLength = Int(tail[i + 20]) | Int(tail[i + 21]) << 8
                return i + ZipLayout.endLength + commentLength <= tail.count ? i : nil
            }
            i -= 1
        }
        return nil
    }

    /// The zip64 end record through its locator, or nil when there is no locator (then the
    /// 32-bit values stand, as in Go).
    private static func readZip64End(fd: Int32, path: String, endOffset: UInt64) throws -> End? {
        guard endOffset >= UInt64(ZipLayout.zip64LocatorLength) else { return nil }
        let locatorOffset = endOffset - UInt64(ZipLayout.zip64LocatorLength)
        var locator = ZipByteReader(try readExactly(fd: fd, path: path, at: locatorOffset,
                                                    count: ZipLayout.zip64LocatorLength))
        guard locator.u32() == ZipLayout.zip64LocatorSignature else { return nil }
        _ = locator.u32()
        let recordOffset = locator.u64()
        guard recordOffset <= locatorOffset,
              locatorOffset - recordOffset >= UInt64(ZipLayout.zip64EndLength) else {
            throw ZipError.corrupt(path: path, detail: "zip64 end record outside the file")
        }
        var r = ZipByteReader(try readExactly(fd: fd, path: path, at: recordOffset, count: ZipLayout.zip64EndLength))
        guard r.u32() == ZipLayout.zip64EndSignature else {
            throw ZipError.corrupt(path: path, detail: "bad zip64 end record signature")
        }
        r.skip(8 + 2 + 2 + 4 + 4 + 8)  // record size, versions, disk numbers, entries on this disk
        let count = r.u64(), size = r.u64(), offset = r.u64()
        return End(entryCount: count, size: size, offset: offset, recordsStart: recordOffset)
    }

    private static func readRecord(_ cursor: inout ZipFileCursor, index: Int, path: String) throws -> ZipEntry {
        let truncated = ZipError.corrupt(path: path, detail: "central directory record \(index) cut short")
        guard var r = try cursor.take(ZipLayout.centralHeaderLength).map({ ZipByteReader($0) }) else { throw truncated }
        guard r.u32() == ZipLayout.centralHeaderSignature else {
            throw ZipError.corrupt(path: path, detail: "bad signature in central directory record \(index)")
        }
        let madeBy = r.u16()
        _ = r.u16()
        let flags = r.u16(), method = r.u16()
        r.skip(4)  // time, date
        let crc = r.u32()
        var compressed = UInt64(r.u32()), uncompressed = UInt64(r.u32())
        let nameLength = Int(r.u16()), extraLength = Int(r.u16()), commentLength = Int(r.u16())
        r.skip(4)  // disk number start, internal attributes
        let external = r.u32()
        var offset = UInt64(r.u32())
        guard let name = try cursor.take(nameLength), let extra = try cursor.take(extraLength),
              try cursor.take(commentLength) != nil else { throw truncated }

        var needUncompressed = uncompressed == ZipLayout.uint32Max
        var needCompressed = compressed == ZipLayout.uint32Max
        var needOffset = offset == ZipLayout.uint32Max
        var e = ZipByteReader(extra)
        while e.remaining >= 4 && (needUncompressed || needCompressed || needOffset) {
            let id = e.u16(), length = Int(e.u16())
            guard length <= e.remaining else { break }
            let fieldEnd = e.position + length
            if id == ZipLayout.zip64ExtraID {
                if needUncompressed, fieldEnd - e.position >= 8 { uncompressed = e.u64(); needUncompressed = false }
                if needCompressed, fieldEnd - e.position >= 8 { compressed = e.u64(); needCompressed = false }
                if needOffset, fieldEnd - e.position >= 8 { offset = e.u64(); needOffset = false }
            }
            e.skip(fieldEnd - e.position)
        }
        // As Go: a 0xFFFFFFFF uncompressed size may be real, the other two must come from zip64.
        guard !needCompressed, !needOffset else {
            throw ZipError.corrupt(path: path, detail: "central directory record \(index) lacks its zip64 sizes")
        }
        return ZipEntry(name: String(decoding: name, as: UTF8.self), nameBytes: name, method: method, flags: flags,
                        crc32: crc, compressedSize: compressed, uncompressedSize: uncompressed,
                        localHeaderOffset: offset, externalAttributes: external, versionMadeBy: madeBy,
                        index: index)
    }

    static func readExactly(fd: Int32, path: String, at offset: UInt64, count: Int) throws -> [UInt8] {
        let bytes = try [UInt8](unsafeUninitializedCapacity: count) { buffer, filled in
            filled = 0
            filled = try ZipPOSIX.preadFully(fd, into: UnsafeMutableRawBufferPointer(buffer), at: offset, path: path)
        }
        guard bytes.count == count else {
            throw ZipError.corrupt(path: path, detail: "unexpected end of file at offset \(offset + UInt64(bytes.count))")
        }
        return bytes
    }
}

/// Sequential reads over a byte range of the file through a buffer, so a central directory of
/// any size is parsed without loading it whole.
struct ZipFileCursor {
    private let fd: Int32
    private let path: String
    private var offset: UInt64
    private let end: UInt64
    private var buffer: [UInt8] = []
    private var position = 0
    private static let refill = 64 << 10

    init(fd: Int32, path: String, offset: UInt64, end: UInt64) {
        self.fd = fd
        self.path = path
        self.offset = offset
        self.end = end
    }

    /// The next `count` bytes, or nil when the range ends first.
    mutating func take(_ count: Int) throws -> [UInt8]? {
        if buffer.count - position < count {
            let kept = Array(buffer[position...])
            let wanted = UInt64(max(count - kept.count, Self.refill))
            let available = end - offset
            let length = Int(min(wanted, available))
            let fresh = try ZipCentralDirectory.readExactly(fd: fd, path: path, at: offset, count: length)
            offset += UInt64(length)
            buffer = kept + fresh
            position = 0
            guard buffer.count >= count else { return nil }
        }
        defer { position += count }
        return Array(buffer[position..<position + count])
    }
}
