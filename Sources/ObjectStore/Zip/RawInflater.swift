import CZlib

/// A zlib raw-inflate stream over caller-owned buffers.
final class RawInflater {
    enum Outcome {
        case progressed
        case streamEnded
        /// zlib could not move: it needs input the caller does not have.
        case stalled
    }

    private let stream: UnsafeMutablePointer<z_stream>

    init() throws {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let rc = inflateInit2_(stream, ZipDeflateFormat.windowBits, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else {
            stream.deallocate()
            throw ZipError.zlib(operation: "inflateInit2", code: rc)
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
    }

    var availableInput: Int { Int(stream.pointee.avail_in) }

    /// `input` must stay valid until it has been consumed (`availableInput == 0`).
    func setInput(_ input: UnsafeRawBufferPointer) {
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(input.count)
    }

    /// Inflates into `output`; returns how many bytes were written and what happened. Throws
    /// `dataError` (with zlib's message) on malformed DEFLATE data.
    func inflate(into output: UnsafeMutableRawBufferPointer,
                 dataError: (String) -> Error) throws -> (count: Int, outcome: Outcome) {
        stream.pointee.next_out = output.baseAddress?.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = uInt(output.count)
        let rc = CZlib.inflate(stream, Z_NO_FLUSH)
        let count = output.count - Int(stream.pointee.avail_out)
        stream.pointee.next_out = nil
        switch rc {
        case Z_OK:
            return (count, .progressed)
        case Z_STREAM_END:
            return (count, .streamEnded)
        case Z_BUF_ERROR:
            return (count, count > 0 ? .progressed : .stalled)
        case Z_DATA_ERROR, Z_NEED_DICT:
            let message = stream.pointee.msg.map { String(cString: $0) } ?? "invalid deflate data"
            throw dataError(message)
        default:
            throw ZipError.zlib(operation: "inflate", code: rc)
        }
    }
}
