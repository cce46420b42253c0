extension Store {
    /// Above this size a file is never stored as a delta of another: gc keeps it whole, so every
    /// read of it streams from the pack in bounded memory. Below it, a delta is rebuilt whole in
    /// memory by libgit2 (about twice this at most), and similar versions of a file keep
    /// sharing their bytes. Stored files in evidence packs rarely reach it (the largest file in
    /// the 200-runpack benchmark corpus is 2 MB), so it costs no store size there.
    public static let bigFileThreshold: Int64 = 16 << 20

    /// The config keys that carry `bigFileThreshold`: `core.bigFileThreshold` is stock git's
    /// (a `git gc` of the store then agrees); libgit2 1.5's pack builder reads its big-file
    /// threshold from `pack.deltaCacheSize` instead (a slip in `packbuilder_config`), which also
    /// caps its cache of computed deltas at the same size.
    static let bigFileThresholdKeys = ["core.bigFileThreshold", "pack.deltaCacheSize"]

    /// Writes the big-file threshold into the store's config where it is not set yet: at init,
    /// and before gc for stores made before the setting existed. A value already there is kept.
    func applyPackSettings() throws {
        for key in Self.bigFileThresholdKeys where try repository.localConfigInteger(key) == nil {
            try repository.setLocalConfig(key, to: Self.bigFileThreshold)
        }
    }
}
