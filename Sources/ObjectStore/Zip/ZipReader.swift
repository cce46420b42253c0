#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Reads zips defensively: the central directory is parsed once, and every entry is checked while
/// it is read (CRC-32, exact size, limits on the bytes actually produced), so hostile archives are
/// rejected with one line naming the file and the entry. Methods 0 (stored) and 8 (deflate).
///
/// Thread-safe: reads go through `pread` on one descriptor, so several entries can be read or
/// hashed at once.
public final class ZipReader: @unchecked Sendable {
    public let path: String
    /// Central-directory order.
    public let entries: [ZipEntry]
    public let limits: ZipLimits

    /// Open until `releaseDescriptor()`; after it, each read opens the file for its own duration.
    private var heldDescriptor: Int32?
    private let descriptorLock = NSLock()
    private let identity: ZipPOSIX.FileIdentity
    private let directoryOffset: UInt64
    private let duplicates: [String]
    /// Uncompressed bytes produced so far, per entry (its furthest read) and in total: the total
    /// limit counts each entry once however often it is read, but counts overlapping entries
    /// (one stream shared by many records, a known bomb shape) every time.
    private let accountingLock = NSLock()
    private var producedByEntry: [Int: UInt64] = [:]
    private var producedTotal: UInt64 = 0

    static let inputBufferSize = 64 << 10
    static let outputBufferSize = 128 << 10

    /// Reads the end records (zip64 included) and the central directory.
    public init(path: String, limits: ZipLimits = .default) throws {
        self.path = path
        self.limits = limits
        let fd = try ZipPOSIX.openForReading(path)
        do {
            self.identity = try ZipPOSIX.identity(fd, path: path)
            let directory = try ZipCentralDirectory.read(fd: fd, path: path, fileSize: UInt64(identity.size), limits: limits)
            self.entries = directory.entries
            self.directoryOffset = directory.offset
        } catch {
            close(fd)
            throw error
        }
        self.heldDescriptor = fd
        self.duplicates = ZipNameSafety.duplicates(entries.map(\.nameBytes))
    }

    deinit {
        if let heldDescriptor { close(heldDescriptor) }
    }

    /// Closes the file until the next read, which opens it again for that read alone (and fails if
    /// the path now names another file). An import verifies every input before it writes any and
    /// keeps them all; without this, importing thousands of zips would run out of descriptors.
    /// Call it when no read is in progress.
    public func releaseDescriptor() {
        descriptorLock.lock()
        defer { descriptorLock.unlock() }
        if let heldDescriptor { close(heldDescriptor) }
        heldDescriptor = nil
    }

    /// Runs `body` with a descriptor on the zip: the held one, or one opened for this call.
    private func withDescriptor<T>(_ body: (Int32) throws -> T) throws -> T {
        descriptorLock.lock()
        let held = heldDescriptor
        descriptorLock.unlock()
        if let held { return try body(held) }
        let fd = try ZipPOSIX.openForReading(path)
        defer { close(fd) }
        guard try ZipPOSIX.identity(fd, path: path) == identity else {
            throw ZipError.io(path: path, operation: "reopen", reason: "the file was replaced or changed after it was verified")
        }
        return try body(fd)
    }

    /// The first entry whose name is exactly these UTF-8 bytes.
    public func entry(named name: String) -> ZipEntry? {
        let bytes = Array(name.utf8)
        return entries.first { $0.nameBytes == bytes }
    }

    /// Names that occur more than once after trimming Unicode whitespace and mapping "\" to "/"
    /// (gait's `DuplicatePaths`), sorted; gait and gaitstore reject such archives.
    public var duplicateNames: [String] { duplicates }

    /// The whole entry, checked.
    public func read(_ entry: ZipEntry) throws -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(min(entry.uncompressedSize, UInt64(limits.maxEntrySize))))
        try stream(entry) { bytes.append(contentsOf: $0) }
        return bytes
    }

    /// Delivers the entry's bytes as they are inflated (pieces of at most 128 KiB). Enforces the
    /// size limits on what is produced, stops as soon as the data runs past its declared size,
    /// and at the end checks the size and CRC-32 against the central directory. Bytes already
    /// delivered before an error must be discarded by the caller.
    public func stream(_ entry: ZipEntry, chunk: (UnsafeRawBufferPointer) throws -> Void) throws {
        let name = entry.name
        guard entry.index < entries.count, entries[entry.index] == entry else {
            throw ZipError.foreignEntry(path: path, entry: name)
        }
        guard entry.flags & ZipLayout.flagEncrypted == 0 else { throw ZipError.encrypted(path: path, entry: name) }
        guard entry.method == ZipLayout.methodStored || entry.method == ZipLayout.methodDeflate else {
            throw ZipError.unsupportedMethod(path: path, entry: name, method: entry.method)
        }
        guard entry.uncompressedSize <= UInt64(limits.maxEntrySize) else {
            throw ZipError.entryTooLarge(path: path, entry: name, limit: limits.maxEntrySize)
        }
        guard !limits.exceedsRatio(uncompressed: entry.uncompressedSize, compressed: entry.compressedSize) else {
            throw ZipError.ratioExceeded(path: path, entry: name, limit: limits.maxRatio)
        }
        try withDescriptor { fd in try stream(entry, fd: fd, chunk: chunk) }
    }

    private func stream(_ entry: ZipEntry, fd: Int32, chunk: (UnsafeRawBufferPointer) throws -> Void) throws {
        let name = entry.name
        let dataStart = try dataOffset(of: entry, fd: fd)

        var produced: UInt64 = 0
        var crc: UInt32 = 0
        func deliver(_ piece: UnsafeRawBufferPointer) throws {
            produced += UInt64(piece.count)
            try checkProgress(entry, produced: produced)
            crc = ZipCRC32.checksum(piece, continuing: crc)
            try chunk(piece)
        }
        if entry.method == ZipLayout.methodStored {
            try copyStored(entry, from: dataStart, fd: fd, deliver: deliver)
        } else {
            try inflateDeflated(entry, from: dataStart, fd: fd, deliver: deliver)
        }
        guard produced == entry.uncompressedSize else {
            throw ZipError.sizeMismatch(path: path, entry: name, declared: entry.uncompressedSize,
                                        detail: "data has \(produced)")
        }
        guard crc == entry.crc32 else { throw ZipError.crcMismatch(path: path, entry: name) }
        if entry.flags & ZipLayout.flagDataDescriptor != 0 {
            try checkDataDescriptor(entry, at: dataStart + entry.compressedSize, fd: fd)
        }
    }

    /// SHA-256 and length of the entry's bytes, checked like `stream`.
    public func sha256(_ entry: ZipEntry) throws -> (digest: SHA256Digest, size: Int) {
        try ZipEntryHashing.sha256(of: entry, in: self)
    }

    // MARK: - Checks

    /// Validates the local header and returns where the entry's data starts.
    private func dataOffset(of entry: ZipEntry, fd: Int32) throws -> UInt64 {
        let headerEnd = entry.localHeaderOffset.addingReportingOverflow(UInt64(ZipLayout.localHeaderLength))
        guard !headerEnd.overflow, headerEnd.partialValue <= directoryOffset else {
            throw ZipError.corrupt(path: path, detail: "\(entry.name): local header outside the file")
        }
        var r = ZipByteReader(try ZipCentralDirectory.readExactly(
            fd: fd, path: path, at: entry.localHeaderOffset, count: ZipLayout.localHeaderLength))
        guard r.u32() == ZipLayout.localHeaderSignature else {
            throw ZipError.corrupt(path: path, detail: "\(entry.name): bad local header signature")
        }
        r.skip(22)
        let nameLength = Int(r.u16()), extraLength = Int(r.u16())
        let nameStart = headerEnd.partialValue
        guard nameStart + UInt64(nameLength) <= directoryOffset,
              try ZipCentralDirectory.readExactly(fd: fd, path: path, at: nameStart, count: nameLength)
                == entry.nameBytes else {
            throw ZipError.inconsistentHeaders(path: path, entry: entry.name, detail: "local header name")
        }
        let dataStart = nameStart + UInt64(nameLength + extraLength)
        let dataEnd = dataStart.addingReportingOverflow(entry.compressedSize)
        guard !dataEnd.overflow, dataEnd.partialValue <= directoryOffset else {
            throw ZipError.corrupt(path: path, detail: "\(entry.name): data runs past the central directory")
        }
        return dataStart
    }

    private func checkProgress(_ entry: ZipEntry, produced: UInt64) throws {
        if produced > entry.uncompressedSize {
            throw ZipError.sizeMismatch(path: path, entry: entry.name, declared: entry.uncompressedSize,
                                        detail: "data has more")
        }
        if produced > UInt64(limits.maxEntrySize) {
            throw ZipError.entryTooLarge(path: path, entry: entry.name, limit: limits.maxEntrySize)
        }
        if limits.exceedsRatio(uncompressed: produced, compressed: entry.compressedSize) {
            throw ZipError.ratioExceeded(path: path, entry: entry.name, limit: limits.maxRatio)
        }
        accountingLock.lock()
        let before = producedByEntry[entry.index] ?? 0
        if produced > before {
            producedByEntry[entry.index] = produced
            producedTotal += produced - before
        }
        let total = producedTotal
        accountingLock.unlock()
        if total > UInt64(limits.maxTotalSize) {
            throw ZipError.totalTooLarge(path: path, limit: limits.maxTotalSize)
        }
    }

    /// Go checks the descriptor's CRC too (`readDataDescriptor`); its sizes are ignored, as in Go,
    /// because writers disagree on whether they are 32 or 64 bits.
    private func checkDataDescriptor(_ entry: ZipEntry, at offset: UInt64, fd: Int32) throws {
        let available = Int(min(16, directoryOffset - offset))
        let bytes = try ZipCentralDirectory.readExactly(fd: fd, path: path, at: offset, count: available)
        var r = ZipByteReader(bytes)
        var crcAt = 0
        if bytes.count >= 4, r.u32() == ZipLayout.dataDescriptorSignature { crcAt = 4 }
        guard bytes.count >= crcAt + 12 else {
            throw ZipError.corrupt(path: path, detail: "\(entry.name): data descriptor cut short")
        }
        r = ZipByteReader(bytes, at: crcAt)
        guard r.u32() == entry.crc32 else {
            throw ZipError.inconsistentHeaders(path: path, entry: entry.name, detail: "data descriptor CRC-32")
        }
    }

    // MARK: - Data

    private func copyStored(_ entry: ZipEntry, from start: UInt64, fd: Int32,
                            deliver: (UnsafeRawBufferPointer) throws -> Void) throws {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.outputBufferSize, alignment: 16)
        defer { buffer.deallocate() }
        var offset = start
        var remaining = entry.compressedSize
        while remaining > 0 {
            let piece = UnsafeMutableRawBufferPointer(rebasing: buffer[..<Int(min(remaining, UInt64(buffer.count)))])
            guard try ZipPOSIX.preadFully(fd, into: piece, at: offset, path: path) == piece.count else {
                throw ZipError.corrupt(path: path, detail: "\(entry.name): unexpected end of file")
            }
            offset += UInt64(piece.count)
            remaining -= UInt64(piece.count)
            try deliver(UnsafeRawBufferPointer(piece))
        }
    }

    private func inflateDeflated(_ entry: ZipEntry, from start: UInt64, fd: Int32,
                                 deliver: (UnsafeRawBufferPointer) throws -> Void) throws {
        let input = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.inputBufferSize, alignment: 16)
        let output = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.outputBufferSize, alignment: 16)
        defer {
            input.deallocate()
            output.deallocate()
        }
        let inflater = try RawInflater()
        let path = self.path
        let dataError = { (message: String) -> Error in
            ZipError.corrupt(path: path, detail: "\(entry.name): bad deflate data: \(message)")
        }
        var offset = start
        var remaining = entry.compressedSize
        while true {
            if inflater.availableInput == 0 && remaining > 0 {
                let piece = UnsafeMutableRawBufferPointer(rebasing: input[..<Int(min(remaining, UInt64(input.count)))])
                guard try ZipPOSIX.preadFully(fd, into: piece, at: offset, path: path) == piece.count else {
                    throw ZipError.corrupt(path: path, detail: "\(entry.name): unexpected end of file")
                }
                offset += UInt64(piece.count)
                remaining -= UInt64(piece.count)
                inflater.setInput(UnsafeRawBufferPointer(piece))
            }
            let (count, outcome) = try inflater.inflate(into: output, dataError: dataError)
            if count > 0 {
                try deliver(UnsafeRawBufferPointer(rebasing: output[..<count]))
            }
            switch outcome {
            case .streamEnded:
                return
            case .progressed:
                continue
            case .stalled:
                // Trailing bytes after the end of the stream are ignored, as in Go; running out
                // of input before it is an error.
                throw ZipError.corrupt(path: path, detail: "\(entry.name): deflate data ends early")
            }
        }
    }
}
