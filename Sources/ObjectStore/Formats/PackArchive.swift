/// Named files a pack verifier can read: a zip on disk, or a pack stored as a git tree.
///
/// The verifier only ever needs names, bytes and hashes, so one implementation of gait's checks
/// serves `pack verify FILE`, `pack verify ID` and `fsck`.
public protocol PackArchive {
    associatedtype Entry: PackArchiveEntry
    var entries: [Entry] { get }
    /// Names that occur more than once (after gait's trimming), sorted.
    var duplicateNames: [String] { get }
    /// True when `sha256` may be called from several threads at once.
    var supportsConcurrentReads: Bool { get }
    func entry(named name: String) -> Entry?
    func read(_ entry: Entry) throws -> [UInt8]
    func stream(_ entry: Entry, chunk: (UnsafeRawBufferPointer) throws -> Void) throws
    func sha256(_ entry: Entry) throws -> (digest: SHA256Digest, size: Int)
}

public protocol PackArchiveEntry {
    var name: String { get }
    var isDirectory: Bool { get }
    var uncompressedSize: UInt64 { get }
    var unsafeNameReason: String? { get }
}

extension ZipEntry: PackArchiveEntry {}

extension ZipReader: PackArchive {
    public var supportsConcurrentReads: Bool { true }
}
