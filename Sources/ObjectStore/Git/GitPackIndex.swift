import Foundation

/// A pack's `.idx` file (version 2), read directly: which objects the pack holds and where each
/// one's stored bytes begin and end in the `.pack`. libgit2 1.5 has no API that hands out an
/// object's stored (compressed, possibly delta) bytes, and copying those is what makes a transfer
/// cheap: nothing is inflated, compressed or delta-searched again.
///
/// Layout (git's `Documentation/gitformat-pack.txt`): `\377tOc`, version 2, 256 cumulative counts
/// by first id byte, the sorted ids, a CRC-32 per object, a 4-byte offset per object (high bit
/// set: an index into the 8-byte offsets that follow), then the pack's and the index's checksums.
struct GitPackIndex {
    let packPath: String
    /// The object ids, sorted.
    let ids: [GitOID]
    /// Where each object's entry starts in the pack, in the order of `ids`.
    let offsets: [UInt64]
    /// Where each entry ends: the next entry's start, or the pack's trailing checksum.
    let ends: [UInt64]
    private let positions: [GitOID: Int]

    /// Reads `<pack>.idx` beside `packPath`; the `.pack`'s size bounds the last entry.
    init(packPath: String) throws {
        let indexPath = String(packPath.dropLast(".pack".count)) + ".idx"
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: indexPath), options: .alwaysMapped)
        } catch {
            throw GitPackError.unreadable(indexPath, reason: error.localizedDescription)
        }
        let packSize = try Self.fileSize(packPath)
        let (ids, offsets) = try data.withUnsafeBytes { try Self.parse($0, path: indexPath) }
        let byOffset = offsets.indices.sorted { offsets[$0] < offsets[$1] }
        var ends = [UInt64](repeating: 0, count: offsets.count)
        for (rank, index) in byOffset.enumerated() {
            ends[index] = rank + 1 < byOffset.count ? offsets[byOffset[rank + 1]] : packSize - 20
            guard ends[index] > offsets[index] else { throw GitPackError.malformedIndex(indexPath, reason: "entries overlap") }
        }
        self.packPath = packPath
        self.ids = ids
        self.offsets = offsets
        self.ends = ends
        self.positions = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) })
    }

    /// The position of `oid` in `ids`, or nil when this pack does not hold it.
    func position(of oid: GitOID) -> Int? { positions[oid] }

    /// Every `.pack` with an index in `objects/pack` of the git directory `gitDirectory`.
    static func packs(inRepository gitDirectory: String) -> [String] {
        let directory = gitDirectory + "/objects/pack"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".pack") && names.contains(String($0.dropLast(5)) + ".idx") }
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

    private static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws -> ([GitOID], [UInt64]) {
        func malformed(_ reason: String) -> GitPackError { .malformedIndex(path, reason: reason) }
        func word(_ at: Int) -> UInt32 {
            (UInt32(bytes[at]) << 24) | (UInt32(bytes[at + 1]) << 16) | (UInt32(bytes[at + 2]) << 8) | UInt32(bytes[at + 3])
        }
        let header = 8, fanout = 256 * 4
        guard bytes.count >= header + fanout + 40 else { throw malformed("too short") }
        guard Array(bytes[0..<4]) == [0xFF, 0x74, 0x4F, 0x63], word(4) == 2 else { throw malformed("not a version 2 index") }
        let count = Int(word(header + 255 * 4))
        let idsAt = header + fanout, crcsAt = idsAt + 20 * count, offsetsAt = crcsAt + 4 * count
        let largeAt = offsetsAt + 4 * count
        guard bytes.count >= largeAt + 40 else { throw malformed("shorter than its \(count) objects need") }
        var ids = [GitOID]()
        ids.reserveCapacity(count)
        var offsets = [UInt64]()
        offsets.reserveCapacity(count)
        for index in 0..<count {
            ids.append(GitOID(bytes: Array(bytes[(idsAt + 20 * index)..<(idsAt + 20 * index + 20)]))!)
            let small = word(offsetsAt + 4 * index)
            if small & 0x8000_0000 == 0 {
                offsets.append(UInt64(small))
            } else {
                let at = largeAt + 8 * Int(small & 0x7FFF_FFFF)
                guard at + 8 <= bytes.count - 40 else { throw malformed("large offset out of range") }
                offsets.append((UInt64(word(at)) << 32) | UInt64(word(at + 4)))
            }
        }
        return (ids, offsets)
    }
}
