import CZlib

/// One unit of compression work: a whole small entry, or one `ZipDeflateFormat.chunkSize` chunk
/// of a large one, tagged with where its output goes in the archive.
struct DeflateUnit {
    /// Index of the entry in the archive's (sorted) entry list.
    let entryIndex: Int
    let input: ArraySlice<UInt8>
    /// The input bytes just before `input` (at most 32 KiB); empty for an entry's first chunk.
    let dictionary: ArraySlice<UInt8>
    let isFirstChunk: Bool
    let isLastChunk: Bool
}

/// A unit's compressed bytes and the CRC-32 of its input.
struct DeflatedUnit {
    let bytes: [UInt8]
    let crc32: UInt32
}

/// A zlib raw-deflate stream owned by one worker thread and reset for every unit, so the
/// 256 KiB of zlib state is allocated once per worker rather than once per chunk.
final class RawDeflater {
    private let stream: UnsafeMutablePointer<z_stream>

    init() throws {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let rc = deflateInit2_(stream, ZipDeflateFormat.level, Z_DEFLATED, ZipDeflateFormat.windowBits,
                               ZipDeflateFormat.memoryLevel, ZipDeflateFormat.strategy,
                               zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else {
            stream.deallocate()
            throw ZipError.zlib(operation: "deflateInit2", code: rc)
        }
    }

    deinit {
        deflateEnd(stream)
        stream.deallocate()
    }

    func compress(_ unit: DeflateUnit) throws -> DeflatedUnit {
        let crc = unit.input.withUnsafeBytes { ZipCRC32.checksum($0) }
        // The output never depends on the buffer size, so a too-small guess only costs a retry.
        var capacity = Int(deflateBound(stream, UInt(unit.input.count))) + 64
        while true {
            if let bytes = try compress(unit, capacity: capacity) {
                return DeflatedUnit(bytes: bytes, crc32: crc)
            }
            capacity *= 2
        }
    }

    /// One `deflate` call over the whole unit; nil when `capacity` was too small.
    private func compress(_ unit: DeflateUnit, capacity: Int) throws -> [UInt8]? {
        var rc = deflateReset(stream)
        guard rc == Z_OK else { throw ZipError.zlib(operation: "deflateReset", code: rc) }
        if !unit.dictionary.isEmpty {
            rc = unit.dictionary.withUnsafeBytes { dict in
                deflateSetDictionary(stream, dict.baseAddress!.assumingMemoryBound(to: Bytef.self), uInt(dict.count))
            }
            guard rc == Z_OK else { throw ZipError.zlib(operation: "deflateSetDictionary", code: rc) }
        }
        let flush = unit.isLastChunk ? Z_FINISH : Z_SYNC_FLUSH
        var complete = false
        var failure: Int32 = Z_OK
        let output = [UInt8](unsafeUninitializedCapacity: capacity) { out, count in
            unit.input.withUnsafeBytes { input in
                stream.pointee.next_in = UnsafeMutablePointer(
                    mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
                stream.pointee.avail_in = uInt(input.count)
                stream.pointee.next_out = out.baseAddress
                stream.pointee.avail_out = uInt(capacity)
                let rc = deflate(stream, flush)
                if unit.isLastChunk {
                    complete = rc == Z_STREAM_END
                } else {
                    complete = rc == Z_OK && stream.pointee.avail_in == 0 && stream.pointee.avail_out > 0
                }
                if rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR { failure = rc }
                stream.pointee.next_in = nil
                stream.pointee.next_out = nil
                count = capacity - Int(stream.pointee.avail_out)
            }
        }
        guard failure == Z_OK else { throw ZipError.zlib(operation: "deflate", code: failure) }
        return complete ? output : nil
    }
}
