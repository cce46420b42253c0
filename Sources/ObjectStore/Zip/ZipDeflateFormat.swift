import CZlib

/// The DEFLATE parameters of gaitstore's zips. They are part of the format, not tuning knobs:
/// gaitstore must re-export byte-identical zips (spec §17), so changing any of them changes the
/// bytes of every archive, and with them run-pack ids.
public enum ZipDeflateFormat {
    /// zlib level 5, matching the level Go's `archive/zip` uses for gait (spec §3.2).
    public static let level: Int32 = 5
    /// Raw DEFLATE (no zlib header), 32 KiB window.
    public static let windowBits: Int32 = -15
    public static let memoryLevel: Int32 = 8
    public static let strategy: Int32 = Z_DEFAULT_STRATEGY

    /// Entries larger than this are compressed as independent chunks of exactly this many input
    /// bytes (the last one shorter), in parallel, pigz-style: chunk n > 0 starts with the last
    /// `dictionarySize` bytes of chunk n-1 as a preset dictionary, every chunk but the last ends
    /// with `Z_SYNC_FLUSH` (an empty stored block, so it ends on a byte boundary), the last with
    /// `Z_FINISH`. The concatenation is one valid raw DEFLATE stream whose bytes depend only on
    /// the input, never on the number of threads. An entry of at most `chunkSize` bytes is one
    /// chunk: exactly zlib's single-call output. 1 MiB keeps the flush and dictionary-restart cost
    /// near 0.01% while splitting a pack's large files finely enough to keep two cores busy.
    public static let chunkSize = 1 << 20

    /// DEFLATE's window: the most history a match can reach back into.
    public static let dictionarySize = 32 << 10
}
