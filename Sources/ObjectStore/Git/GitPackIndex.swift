import Foundation

/// A pack's `.idx` file (version 2), read directly: which objects the pack holds and where each
/// one's stored bytes begin and end in the `.pack`. libgit2 1.5 has no API that hands out an
/// object's stored (compressed, possibly delta) bytes, and copying those is what makes a transfer
/// cheap: nothing is inflated, compressed or delta-searched again.
///
/// Layout (git's `Documentation/gitformat-pack.txt`): `\377tOc`, version 2, 256 cumulative counts
/// by first id byte, the sorted ids, a CRC-32 per object, a 4-byte offset per object (high bit
/// set: an index into the 8-byte offsets that follow), then the pack's and the index's checksums.
///
/// The file stays mapped and is read where asked: looking up a few objects (a `show`, one export)
/// costs a binary search each, not a pass over every id of a store-sized pack. The full tables the
/// pack writer walks are built on first use. Shared by a repository's worker threads, hence the lock.
final class GitPackIndex: @unchecked Sendable {
    let packPath: String
    /// How many objects the pack holds.
    let count: Int
    private let data: Data
    private let idsAt: Int, offsetsAt: Int, largeAt: Int
    /// Where the last entry ends: the pack's trailing checksum.
    private let dataEnd: UInt64
    private let lock = NSLock()
    private var builtOffsets: [UInt64]?
    private var builtEnds: [UInt64]?
    /// Entry ends found by a scan instead of the table; past a few, building the table is cheaper.
    private var endScans = 0

    /// Maps `<pack>.idx` beside `packPath` and checks its layout; the `.pack`'s size bounds the last entry.
    init(packPath: String) throws {
        let indexPath = String(packPath.dropLast(".pack".count)) + ".idx"
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: indexPath), options: .alwaysMapped)
        } catch {
            throw GitPackError.unreadable(indexPath, reason: error.localizedDescription)
        }
        func malformed(_ reason: String) -> GitPackError { .malformedIndex(indexPath, reason: reason) }
        let header = 8, fanout = 256 * 4
        guard data.count >= header + fanout + 40 else { throw malformed("too short") }
        let (magic, version, total) = data.withUnsafeBytes { bytes in
            (Array(bytes[0..<4]), Self.word(bytes, 4), Int(Self.word(bytes, header + 255 * 4)))
        }
        guard magic == [0xFF, 0x74, 0x4F, 0x63], version == 2 else { throw malformed("not a version 2 index") }
        count = total
        idsAt = header + fanout
        offsetsAt = idsAt + 24 * total
        largeAt = offsetsAt + 4 * total
        guard data.count >= largeAt + 40 else { throw malformed("shorter than its \(total) objects need") }
        let largeCount = (data.count - 40 - largeAt) / 8
        let badLarge = data.withUnsafeBytes { [offsetsAt] bytes in
            (0..<total).contains { position in
                let small = Self.word(bytes, offsetsAt + 4 * position)
                return small & 0x8000_0000 != 0 && Int(small & 0x7FFF_FFFF) >= largeCount
            }
        }
        guard !badLarge else { throw malformed("large offset out of range") }
        let packSize = try Self.fileSize(packPath)
        guard packSize >= 32 else { throw GitPackError.malformedIndex(indexPath, reason: "its pack is shorter than a header and checksum") }
        self.packPath = packPath
        dataEnd = packSize - 20
    }

    /// The position of `oid` among the sorted ids, or nil when this pack does not hold it.
    func position(of oid: GitOID) -> Int? {
        data.withUnsafeBytes { bytes -> Int? in
            let first = Int(oid.bytes[0])
            var low = first == 0 ? 0 : Int(Self.word(bytes, 8 + 4 * (first - 1)))
            var high = Int(Self.word(bytes, 8 + 4 * first))
            while low < high {
                let middle = (low + high) / 2
                let order = oid.bytes.withUnsafeBytes { memcmp(bytes.baseAddress! + idsAt + 20 * middle, $0.baseAddress!, 20) }
                if order == 0 { return middle }
                if order < 0 { low = middle + 1 } else { high = middle }
            }
            return nil
        }
    }

    /// The id at `position`.
    func id(at position: Int) -> GitOID {
        data.withUnsafeBytes { GitOID(bytes: Array($0[(idsAt + 20 * position)..<(idsAt + 20 * position + 20)]))! }
    }

    /// Where the entry at `position` starts in the pack.
    func offset(at position: Int) -> UInt64 {
        data.withUnsafeBytes { Self.offset($0, at: position, offsetsAt: offsetsAt, largeAt: largeAt) }
    }

    private static func offset(_ bytes: UnsafeRawBufferPointer, at position: Int, offsetsAt: Int, largeAt: Int) -> UInt64 {
        let small = word(bytes, offsetsAt + 4 * position)
        guard small & 0x8000_0000 != 0 else { return UInt64(small) }
        let at = largeAt + 8 * Int(small & 0x7FFF_FFFF)
        return (UInt64(word(bytes, at)) << 32) | UInt64(word(bytes, at + 4))
    }

    /// Where the entry at `position` ends: the next entry's start, or the pack's trailing checksum.
    func end(at position: Int) throws -> UInt64 {
        lock.lock()
        let table = builtEnds
        endScans += 1
        let scans = endScans
        lock.unlock()
        if let table { return table[position] }
        if scans > 32 { return try ends[position] }
        let start = offset(at: position)
        let next = data.withUnsafeBytes { bytes in
            var next = dataEnd
            for other in 0..<count {
                let candidate = Self.offset(bytes, at: other, offsetsAt: offsetsAt, largeAt: largeAt)
                if candidate > start && candidate < next { next = candidate }
            }
            return next
        }
        guard next > start else { throw GitPackError.malformedIndex(packPath, reason: "entries overlap") }
        return next
    }

    /// Every entry's start, by position.
    var offsets: [UInt64] {
        lock.withLock {
            if let builtOffsets { return builtOffsets }
            let built = data.withUnsafeBytes { bytes in
                (0..<count).map { Self.offset(bytes, at: $0, offsetsAt: offsetsAt, largeAt: largeAt) }
            }
            builtOffsets = built
            return built
        }
    }

    /// Every entry's end, by position.
    var ends: [UInt64] {
        get throws {
            let starts = offsets
            return try lock.withLock {
                if let builtEnds { return builtEnds }
                let byOffset = starts.indices.sorted { starts[$0] < starts[$1] }
                var built = [UInt64](repeating: 0, count: starts.count)
                for (rank, index) in byOffset.enumerated() {
                    built[index] = rank + 1 < byOffset.count ? starts[byOffset[rank + 1]] : dataEnd
                    guard built[index] > starts[index] else { throw GitPackError.malformedIndex(packPath, reason: "entries overlap") }
                }
                builtEnds = built
                return built
            }
        }
    }

    private static func word(_ bytes: UnsafeRawBufferPointer, _ at: Int) -> UInt32 {
        (UInt32(bytes[at]) << 24) | (UInt32(bytes[at + 1]) << 16) | (UInt32(bytes[at + 2]) << 8) | UInt32(bytes[at + 3])
    }

    /// Every `.pack` with an index in `objects/pack` of the git directory `gitDirectory`.
    static func packs(inRepository gitDirectory: String) -> [String] {
        let directory = gitDirectory + "/objects/pack"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        let indexed = Set(names.filter { $0.hasSuffix(".idx") })
        return names.filter { $0.hasSuffix(".pack") && indexed.contains(String($0.dropLast(5)) + ".idx") }
            .sorted()
            .map { directory + "/" + $0 }
    }

    private static func fileSize(_ path: String) throws -> UInt64 {
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw GitPackError.unreadable(path, reason: String(cString: strerror(errno)))
        }
        return UInt64(status.st_size)
    }
}
