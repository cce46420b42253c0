import Foundation

/// One repository's pack indexes, opened (mapped and checked) once and kept for as long as the
/// set of packs in `objects/pack` stays the same, with one open reader per pack.
///
/// The directory is listed again when a lookup misses, as libgit2 does: a pack that appeared (a
/// fetch, a gc) is opened once, and one that disappeared is dropped with its reader. A hit in a
/// pack deleted meanwhile is still good: its index stays mapped and its reader open. Pack names
/// are their contents' checksums, so an unchanged name is an unchanged pack.
///
/// Belongs to one thread, like the `GitRepository` that owns it.
final class GitPackIndexCache {
    private let gitDirectory: String
    /// The `.pack` paths last listed, sorted; `indexes` follows the same order.
    private var packPaths: [String] = []
    private(set) var indexes: [GitPackIndex] = []
    private var readers: [String: GitPackReader] = [:]
    /// How many indexes this cache has parsed: what proves to a test that it did not re-parse.
    private(set) var parseCount = 0
    /// How many times it listed `objects/pack`: what proves to a test that it did not list per object.
    private(set) var listCount = 0

    init(gitDirectory: String) {
        self.gitDirectory = gitDirectory
    }

    /// Brings the indexes in line with `objects/pack`. An index that cannot be parsed is left
    /// out, so its objects are read through libgit2, which reports the damage itself.
    func refresh() {
        let listed = GitPackIndex.packs(inRepository: gitDirectory)
        listCount += 1
        guard listed != packPaths else { return }
        var known = Dictionary(uniqueKeysWithValues: indexes.map { ($0.packPath, $0) })
        indexes = listed.compactMap { path in
            if let index = known.removeValue(forKey: path) { return index }
            parseCount += 1
            return try? GitPackIndex(packPath: path)
        }
        for gone in known.keys { readers[gone] = nil }
        packPaths = listed
    }

    /// Takes another cache's parsed indexes (a worker thread's handle on the same repository)
    /// instead of parsing them again; readers stay per cache, since each holds its own descriptor.
    func adopt(_ other: [GitPackIndex]) {
        indexes = other
        packPaths = other.map(\.packPath)
        readers = [:]
    }

    /// The pack holding `oid` and its position there; the packs are listed again on a miss unless
    /// the caller, looking up many objects that are expected loose, has just refreshed.
    func locate(_ oid: GitOID, listingAgainOnMiss: Bool = true) -> (index: GitPackIndex, position: Int)? {
        if let found = lookUp(oid) { return found }
        guard listingAgainOnMiss else { return nil }
        refresh()
        return lookUp(oid)
    }

    private func lookUp(_ oid: GitOID) -> (index: GitPackIndex, position: Int)? {
        for index in indexes {
            if let position = index.position(of: oid) { return (index, position) }
        }
        return nil
    }

    /// The open reader of `index`'s pack.
    func reader(for index: GitPackIndex) throws -> GitPackReader {
        if let reader = readers[index.packPath] { return reader }
        let reader = try GitPackReader(index: index)
        readers[index.packPath] = reader
        return reader
    }
}
