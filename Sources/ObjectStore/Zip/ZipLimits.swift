/// Bounds on what a `ZipReader` will inflate, so a hostile archive cannot exhaust memory, disk
/// or time. Enforced on the bytes actually produced, never only on the sizes an archive declares.
public struct ZipLimits: Sendable, Equatable {
    /// Largest uncompressed entry; 100 MiB is gait's cap (spec §14).
    public var maxEntrySize: Int
    /// Largest sum of uncompressed bytes over all entries of one archive.
    public var maxTotalSize: Int
    /// Largest uncompressed/compressed ratio, checked once an entry passes `ratioCheckThreshold`:
    /// DEFLATE tops out near 1032:1, so only a zip bomb (or a megabyte of one repeated byte)
    /// gets past 1000.
    public var maxRatio: Int
    public var maxEntries: Int

    /// Entries smaller than this are never ratio-checked: a tiny file may compress absurdly well.
    public static let ratioCheckThreshold = 1 << 20

    public init(maxEntrySize: Int = 100 << 20, maxTotalSize: Int = 4 << 30, maxRatio: Int = 1000,
                maxEntries: Int = 100_000) {
        self.maxEntrySize = maxEntrySize
        self.maxTotalSize = maxTotalSize
        self.maxRatio = maxRatio
        self.maxEntries = maxEntries
    }

    public static let `default` = ZipLimits()

    /// True when `uncompressed` bytes from `compressed` bytes is past the ratio limit.
    func exceedsRatio(uncompressed: UInt64, compressed: UInt64) -> Bool {
        guard uncompressed > UInt64(Self.ratioCheckThreshold) else { return false }
        let (bound, overflow) = UInt64(max(maxRatio, 0)).multipliedReportingOverflow(by: compressed)
        return !overflow && uncompressed > bound
    }
}
