import CZlib

/// A zlib-format deflate stream (git's format for every object, loose or packed) owned by one
/// writer and reset for every object, with one output buffer: zlib's state (about 256 KiB) and
/// the buffer are allocated once per writer, not once per object of a pack or per job append.
/// A reset stream compresses exactly as a fresh one with the same level would.
///
/// One thread at a time, like the writer that owns it.
final class ZlibDeflater {
    /// A zlib call that failed, with its return code; the owner says which object it concerns.
    struct Failure: Error {
        let code: Int32
    }

    /// How many compressed bytes `compress` hands over at a time, at most.
    static let outputCapacity = 64 * 1024

    private let stream: UnsafeMutablePointer<z_stream>
    private let output: UnsafeMutableRawBufferPointer

    /// `level` is zlib's: 0 (stored) to 9, or `Z_DEFAULT_COMPRESSION`.
    init(level: Int32) throws {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let rc = deflateInit_(stream, level, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else {
            stream.deallocate()
            throw Failure(code: rc)
        }
        output = .allocate(byteCount: Self.outputCapacity, alignment: 1)
    }

    deinit {
        deflateEnd(stream)
        stream.deallocate()
        output.deallocate()
    }

    /// Compresses `parts`, one after the other, as one complete zlib stream, handing its bytes to
    /// `sink` in pieces of at most `outputCapacity`; the pieces are only valid during the call.
    func compress(_ parts: [UnsafeRawBufferPointer], into sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        let rc = deflateReset(stream)
        guard rc == Z_OK else { throw Failure(code: rc) }
        defer {
            stream.pointee.next_in = nil
            stream.pointee.next_out = nil
        }
        let parts = parts.isEmpty ? [UnsafeRawBufferPointer(start: nil, count: 0)] : parts
        for (index, part) in parts.enumerated() {
            let flush = index == parts.count - 1 ? Z_FINISH : Z_NO_FLUSH
            stream.pointee.next_in = UnsafeMutablePointer(mutating: part.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.pointee.avail_in = uInt(part.count)
            while true {
                stream.pointee.next_out = output.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.pointee.avail_out = uInt(output.count)
                let rc = deflate(stream, flush)
                guard rc == Z_OK || rc == Z_STREAM_END || rc == Z_BUF_ERROR else { throw Failure(code: rc) }
                let produced = output.count - Int(stream.pointee.avail_out)
                if produced > 0 { try sink(UnsafeRawBufferPointer(rebasing: output[..<produced])) }
                if rc == Z_STREAM_END { return }
                // Without Z_FINISH, room left over means the whole part was taken in.
                if flush == Z_NO_FLUSH && stream.pointee.avail_out > 0 { break }
            }
        }
    }
}
