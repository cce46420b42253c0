import CGit2
import CZlib
import Crypto
import Foundation

/// Writes a pack of chosen objects from a repository, copying each object's stored bytes from the
/// repository's own packs wherever it can, as `git pack-objects` reuses what `git gc` found.
///
/// libgit2 1.5's pack builder inflates every object, searches deltas for it again (ten
/// candidates each, on every push) and deflates it again; for a store of a few hundred
/// megabytes that is minutes of CPU. Here a packed object is copied as stored: a whole object
/// verbatim, a delta too when its base is sent earlier in the same pack (as a reference to the
/// base's id, which every reader accepts). Everything else (loose objects, a delta whose base the
/// receiver is not sent) is read whole and deflated, which costs what the new content costs.
///
/// The receiver recomputes every object's id from the bytes while indexing, so a damaged source
/// pack cannot smuggle in an object under another's name; callers check afterwards that every
/// object they meant to send arrived.
struct GitPackWriter {
    private let repository: GitRepository

    /// Packs are the repository's (`packIndexes`): one that vanished (a concurrent gc) or whose
    /// index cannot be read is simply not reused, and its objects are read through libgit2 like
    /// loose ones.
    init(repository: GitRepository) {
        self.repository = repository
    }

    /// Streams a pack holding exactly `objects` (each once) to `sink`, in pieces of about
    /// `GitPackWriter.chunkSize` bytes, each with the number of objects complete so far; memory
    /// stays bounded by the largest single object read whole.
    func write(_ objects: [GitOID], to sink: (UnsafeRawBufferPointer, Int) throws -> Void) throws {
        try withoutActuallyEscaping(sink) { try write(objects, into: PackOutput(sink: $0)) }
    }

    private func write(_ objects: [GitOID], into output: PackOutput) throws {
        var output = output
        // Packed objects go in their packs' order, so a delta's base (stored before it) is sent first.
        let packs = repository.packIndexes
        packs.refresh()
        var located = [(index: GitPackIndex, position: Int)]()
        var loose = [GitOID]()
        var seen = Set<GitOID>()
        for oid in objects where seen.insert(oid).inserted {
            if let found = packs.locate(oid, listingAgainOnMiss: false) {
                located.append(found)
            } else {
                loose.append(oid)
            }
        }
        guard seen.count == objects.count else { throw GitPackError.duplicateObject }
        output.append(Array("PACK".utf8) + bigEndian(2) + bigEndian(UInt32(objects.count)))
        located.sort {
            ($0.index.packPath, $0.index.offset(at: $0.position)) < ($1.index.packPath, $1.index.offset(at: $1.position))
        }

        var sent = Set<GitOID>()
        for (index, position) in located {
            let reader = try packs.reader(for: index)
            let oid = index.id(at: position), start = index.offset(at: position), end = try index.end(at: position)
            let entry = try reader.entryHeader(at: start)
            switch entry.kind {
            case .whole:
                try reader.copy(from: start, to: end) { try output.append($0) }
            case .referenceDelta(let base) where sent.contains(base):
                try reader.copy(from: start, to: end) { try output.append($0) }
            case .offsetDelta(let baseOffset) where reader.object(at: baseOffset).map(sent.contains) == true:
                // Offsets change in the new pack; the base's id does not.
                output.append(entryHeader(type: GitPackEntryHeader.referenceDeltaType, size: entry.size))
                output.append(reader.object(at: baseOffset)!.bytes)
                try reader.copy(from: entry.dataOffset, to: end) { try output.append($0) }
            case .referenceDelta, .offsetDelta:
                try writeWhole(oid, into: &output)
            }
            sent.insert(oid)
            output.objectsWritten += 1
        }
        for oid in loose {
            try writeWhole(oid, into: &output)
            output.objectsWritten += 1
        }
        try output.finish()
    }

    /// Reads an object through libgit2 (loose, or packed and resolved) and stores it whole.
    private func writeWhole(_ oid: GitOID, into output: inout PackOutput) throws {
        var object: OpaquePointer?
        try oid.withRaw { try gitCheck(git_odb_read(&object, try repository.odb(), $0), "read object \(oid)") }
        defer { git_odb_object_free(object) }
        let size = git_odb_object_size(object)
        output.append(entryHeader(type: UInt8(git_odb_object_type(object).rawValue), size: UInt64(size)))
        try output.appendDeflated(UnsafeRawBufferPointer(start: git_odb_object_data(object), count: size), describing: oid)
    }

    /// A pack entry's type-and-size header: 3 type bits, then the size 4 bits first, 7 at a time.
    private func entryHeader(type: UInt8, size: UInt64) -> [UInt8] {
        var header = [UInt8]()
        var byte = (type << 4) | UInt8(size & 0x0F)
        var rest = size >> 4
        while rest > 0 {
            header.append(byte | 0x80)
            byte = UInt8(rest & 0x7F)
            rest >>= 7
        }
        header.append(byte)
        return header
    }

    private func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }

    /// About how many bytes the sink receives at a time.
    static let chunkSize = 1 << 20
}

/// The pack being written: buffered, hashed (a pack ends with the SHA-1 of everything before it)
/// and handed to the sink in chunks.
private struct PackOutput {
    let sink: (UnsafeRawBufferPointer, Int) throws -> Void
    var objectsWritten = 0
    private var buffer = [UInt8]()
    private var hasher = Insecure.SHA1()
    private var deflater: ZlibDeflater?

    init(sink: @escaping (UnsafeRawBufferPointer, Int) throws -> Void) {
        self.sink = sink
        buffer.reserveCapacity(GitPackWriter.chunkSize)
    }

    mutating func append(_ bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
    }

    mutating func append(_ bytes: UnsafeRawBufferPointer) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= GitPackWriter.chunkSize { try flush() }
    }

    /// zlib-compresses `bytes` (git's object format: a zlib stream, default level) into the pack,
    /// through one stream kept for the whole pack and made on the first object that needs it.
    mutating func appendDeflated(_ bytes: UnsafeRawBufferPointer, describing oid: GitOID) throws {
        do {
            let deflater = try self.deflater ?? ZlibDeflater(level: Z_DEFAULT_COMPRESSION)
            self.deflater = deflater
            try deflater.compress([bytes]) { try append($0) }
        } catch is ZlibDeflater.Failure {
            throw GitPackError.compression(oid)
        }
    }

    mutating func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { bytes in
            hasher.update(bufferPointer: bytes)
            try sink(bytes, objectsWritten)
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Sends what is buffered, then the pack's trailing checksum.
    mutating func finish() throws {
        try flush()
        let checksum = Array(hasher.finalize())
        try checksum.withUnsafeBytes { try sink($0, objectsWritten) }
    }
}
