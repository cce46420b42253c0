import CZlib
import Foundation

/// One entry's header as stored in a pack.
struct GitPackEntryHeader {
    enum Kind {
        case whole
        case offsetDelta(baseOffset: UInt64)
        case referenceDelta(base: GitOID)
    }

    static let blobType: UInt8 = 3
    static let offsetDeltaType: UInt8 = 6
    static let referenceDeltaType: UInt8 = 7

    let kind: Kind
    /// The type bits as stored: 1 commit, 2 tree, 3 blob, 4 tag, 6 and 7 deltas.
    let type: UInt8
    /// The inflated size of the object, or of the delta for a delta.
    let size: UInt64
    /// Where the zlib stream starts.
    let dataOffset: UInt64
}

/// Reads entries of one pack file by offset, with `pread`: stored bytes as they are, or one whole
/// object's zlib stream inflated.
final class GitPackReader {
    private let index: GitPackIndex
    private let descriptor: Int32
    /// Built on first use: only the pack writer's offset deltas ask, and hashing never does.
    private lazy var objectAtOffset = Dictionary(uniqueKeysWithValues: index.offsets.enumerated().map { ($1, $0) })

    init(index: GitPackIndex) throws {
        descriptor = open(index.packPath, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw GitPackError.unreadable(index.packPath, reason: String(cString: strerror(errno))) }
        self.index = index
    }

    deinit { close(descriptor) }

    /// The object whose entry starts at `offset`, if any.
    func object(at offset: UInt64) -> GitOID? {
        objectAtOffset[offset].map { index.id(at: $0) }
    }

    func entryHeader(at offset: UInt64) throws -> GitPackEntryHeader {
        func malformed(_ reason: String) -> GitPackError { .malformedEntry(index.packPath, offset: offset, reason: reason) }
        var bytes = [UInt8](repeating: 0, count: 40)
        let count = try read(&bytes, at: offset)
        var at = 0
        func next() throws -> UInt8 {
            guard at < count else { throw malformed("truncated header") }
            defer { at += 1 }
            return bytes[at]
        }
        var byte = try next()
        let type = (byte >> 4) & 0x07
        var size = UInt64(byte & 0x0F)
        var shift: UInt64 = 4
        while byte & 0x80 != 0 {
            byte = try next()
            guard shift < 64 else { throw malformed("size too large") }
            size |= UInt64(byte & 0x7F) << shift
            shift += 7
        }
        switch type {
        case 1, 2, 3, 4:
            return GitPackEntryHeader(kind: .whole, type: type, size: size, dataOffset: offset + UInt64(at))
        case GitPackEntryHeader.offsetDeltaType:
            byte = try next()
            var distance = UInt64(byte & 0x7F)
            while byte & 0x80 != 0 {
                byte = try next()
                guard distance < (1 << 56) else { throw malformed("delta base offset too large") }
                distance = ((distance + 1) << 7) | UInt64(byte & 0x7F)
            }
            guard distance > 0, distance <= offset else { throw malformed("delta base offset out of range") }
            return GitPackEntryHeader(kind: .offsetDelta(baseOffset: offset - distance), type: type, size: size, dataOffset: offset + UInt64(at))
        case GitPackEntryHeader.referenceDeltaType:
            guard at + 20 <= count else { throw malformed("truncated delta base id") }
            let base = GitOID(bytes: Array(bytes[at..<(at + 20)]))!
            return GitPackEntryHeader(kind: .referenceDelta(base: base), type: type, size: size, dataOffset: offset + UInt64(at + 20))
        default:
            throw malformed("unknown object type \(type)")
        }
    }

    /// Hands the pack's bytes `[start, end)` to `body`, a bounded piece at a time.
    func copy(from start: UInt64, to end: UInt64, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard start < end else { return }
        var chunk = [UInt8](repeating: 0, count: Int(min(end - start, UInt64(Self.chunkSize))))
        var position = start
        while position < end {
            let wanted = Int(min(UInt64(chunk.count), end - position))
            let got = try chunk.withUnsafeMutableBytes { buffer in
                try read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<wanted]), at: position)
            }
            guard got == wanted else { throw GitPackError.malformedEntry(index.packPath, offset: position, reason: "pack ends early") }
            try chunk.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[0..<got])) }
            position += UInt64(got)
        }
    }

    private static let chunkSize = 1 << 20

    /// Inflates the zlib stream stored in `[start, end)` and hands the output to `body` in pieces.
    func inflate(from start: UInt64, to end: UInt64, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        func malformed(_ reason: String) -> GitPackError { .malformedEntry(index.packPath, offset: start, reason: reason) }
        var stream = z_stream()
        guard inflateInit_(&stream, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else { throw malformed("zlib init failed") }
        defer { inflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: 256 * 1024)
        var finished = false
        try copy(from: start, to: end) { compressed in
            guard !finished else { return }
            stream.next_in = UnsafeMutablePointer(mutating: compressed.baseAddress!.assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(compressed.count)
            repeat {
                let (code, produced) = output.withUnsafeMutableBytes { space -> (Int32, Int) in
                    stream.next_out = space.baseAddress!.assumingMemoryBound(to: Bytef.self)
                    stream.avail_out = uInt(space.count)
                    let code = CZlib.inflate(&stream, Z_NO_FLUSH)
                    return (code, space.count - Int(stream.avail_out))
                }
                if produced > 0 { try output.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[0..<produced])) } }
                if code == Z_STREAM_END {
                    finished = true
                    return
                }
                guard code == Z_OK || code == Z_BUF_ERROR else { throw malformed("zlib error \(code)") }
            } while stream.avail_in > 0 || stream.avail_out == 0
        }
        guard finished else { throw malformed("compressed data ends early") }
    }

    private func read(_ bytes: inout [UInt8], at offset: UInt64) throws -> Int {
        try bytes.withUnsafeMutableBytes { try read(into: $0, at: offset) }
    }

    /// Fills `buffer` from `offset` as far as the file goes; returns how much was read.
    private func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws -> Int {
        var filled = 0
        while filled < buffer.count {
            let got = pread(descriptor, buffer.baseAddress! + filled, buffer.count - filled, off_t(offset) + off_t(filled))
            if got < 0 && errno == EINTR { continue }
            guard got >= 0 else { throw GitPackError.unreadable(index.packPath, reason: String(cString: strerror(errno))) }
            if got == 0 { break }
            filled += got
        }
        return filled
    }
}
