#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Cuts an entry's content into the `ZipDeflateFormat` chunks. Files are read one chunk ahead so
/// the last chunk is known (it ends with `Z_FINISH`) without trusting a size taken in advance.
enum ZipContentChunker {
    static func chunks(of content: ZipWriteEntry.Content, entryIndex: Int,
                       emit: (DeflateUnit) throws -> Void) throws {
        switch content {
        case let .bytes(bytes):
            try chunks(of: bytes, entryIndex: entryIndex, emit: emit)
        case let .file(path):
            try chunks(ofFile: path, entryIndex: entryIndex, emit: emit)
        case let .zipEntry(reader, entry):
            try chunks(pushedBy: { try reader.stream(entry, chunk: $0) }, entryIndex: entryIndex, emit: emit)
        case let .stream(producer):
            try chunks(pushedBy: producer.value, entryIndex: entryIndex, emit: emit)
        }
    }

    /// A producer pushes the bytes; a chunk is emitted only once more data follows it, so the
    /// cut points are the same as for `.bytes` and `.file` of the same content.
    private static func chunks(pushedBy produce: (((UnsafeRawBufferPointer) throws -> Void) throws -> Void),
                               entryIndex: Int, emit: (DeflateUnit) throws -> Void) throws {
        try withoutActuallyEscaping(emit) { emit in
            try chunks(pushedBy: produce, entryIndex: entryIndex, escapingEmit: emit)
        }
    }

    private static func chunks(pushedBy produce: (((UnsafeRawBufferPointer) throws -> Void) throws -> Void),
                               entryIndex: Int, escapingEmit emit: @escaping (DeflateUnit) throws -> Void) throws {
        let size = ZipDeflateFormat.chunkSize
        var pending: [UInt8] = []
        var previous: [UInt8] = []
        var first = true
        func flush(last: Bool) throws {
            let cut = last ? pending.count : size
            let input = Array(pending[..<cut])
            try emit(DeflateUnit(entryIndex: entryIndex, input: input[...],
                                 dictionary: previous.suffix(ZipDeflateFormat.dictionarySize),
                                 isFirstChunk: first, isLastChunk: last))
            first = false
            previous = input
            pending.removeFirst(cut)
        }
        try produce { bytes in
            pending.append(contentsOf: bytes)
            while pending.count > size { try flush(last: false) }
        }
        try flush(last: true)
    }

    private static func chunks(of bytes: [UInt8], entryIndex: Int, emit: (DeflateUnit) throws -> Void) throws {
        let size = ZipDeflateFormat.chunkSize
        var start = 0
        repeat {
            let end = min(start + size, bytes.count)
            try emit(DeflateUnit(entryIndex: entryIndex,
                                 input: bytes[start..<end],
                                 dictionary: bytes[max(0, start - ZipDeflateFormat.dictionarySize)..<start],
                                 isFirstChunk: start == 0,
                                 isLastChunk: end == bytes.count))
            start = end
        } while start < bytes.count
    }

    private static func chunks(ofFile path: String, entryIndex: Int, emit: (DeflateUnit) throws -> Void) throws {
        let fd = try ZipPOSIX.openForReading(path)
        defer { close(fd) }
        var previous: [UInt8] = []
        var current = try readChunk(fd, path: path)
        var first = true
        while true {
            let next = current.count < ZipDeflateFormat.chunkSize ? [] : try readChunk(fd, path: path)
            let last = next.isEmpty
            try emit(DeflateUnit(entryIndex: entryIndex,
                                 input: current[...],
                                 dictionary: previous.suffix(ZipDeflateFormat.dictionarySize),
                                 isFirstChunk: first,
                                 isLastChunk: last))
            if last { return }
            first = false
            previous = current
            current = next
        }
    }

    private static func readChunk(_ fd: Int32, path: String) throws -> [UInt8] {
        let chunk = try [UInt8](unsafeUninitializedCapacity: ZipDeflateFormat.chunkSize) { buffer, count in
            count = 0
            count = try ZipPOSIX.readFully(fd, into: UnsafeMutableRawBufferPointer(buffer), path: path)
        }
        // A short read keeps its 1 MiB allocation; copied to its own size, a batch of small files
        // holds kilobytes instead of a megabyte each.
        return chunk.count == ZipDeflateFormat.chunkSize ? chunk : Array(chunk[...])
    }
}
