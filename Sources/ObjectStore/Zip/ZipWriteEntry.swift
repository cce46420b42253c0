/// One file to put in a deterministic zip.
public struct ZipWriteEntry: Sendable {
    public enum Content: Sendable {
        case bytes([UInt8])
        /// A file on disk, read in chunks while compressing and never held whole in memory.
        case file(String)
        /// An entry of another zip, inflated while compressing (re-zipping never holds it whole).
        case zipEntry(ZipReader, ZipEntry)
        /// Bytes pushed by a producer (a stored git blob, say), called once on the writing thread.
        case stream(UnsafeSendable<((UnsafeRawBufferPointer) throws -> Void) throws -> Void>)
    }

    /// The entry name, stored as its UTF-8 bytes.
    public var path: String
    /// Permission bits; only "zero" and "any execute bit" matter (see `normalizedMode`).
    public var mode: UInt32
    public var content: Content

    public init(path: String, mode: UInt32 = 0o644, content: Content) {
        self.path = path
        self.mode = mode
        self.content = content
    }

    /// gait's `normalizeMode`: 0 becomes 0644, any execute bit 0755, everything else 0644, so the
    /// archive never depends on a umask or a checkout's permissions.
    public var normalizedMode: UInt32 {
        if mode == 0 { return 0o644 }
        return mode & 0o111 != 0 ? 0o755 : 0o644
    }
}

/// What `DeterministicZip.write` produced: the identity and length of the zip file.
public struct ZipWriteSummary: Sendable, Equatable {
    public let sha256: SHA256Digest
    public let size: Int

    public init(sha256: SHA256Digest, size: Int) {
        self.sha256 = sha256
        self.size = size
    }
}
