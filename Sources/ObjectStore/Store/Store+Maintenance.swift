import Foundation

extension Store {
    /// Repacks the store and drops what nothing reaches (`GitRepository.repack`).
    ///
    /// Stored files are named by their paths inside the packs that hold them, not by the
    /// catalog's digest index, so that versions of the same file (a transcript, a tool schema)
    /// meet in the delta search and are stored as deltas of each other. Files above
    /// `bigFileThreshold` stay whole, so reading them streams.
    public func collectGarbage(gracePeriod: TimeInterval) throws {
        try applyPackSettings()
        let packs = try catalogTree().flatMap { try repository.treeEntry($0, path: CatalogLayout.packsDirectory) }
        try repository.repack(gracePeriod: gracePeriod, namingTrees: packs.map { [$0.oid] } ?? [])
    }
}
