/// One central-directory record, as the archive declares it. Nothing here has been checked
/// against the data yet; `ZipReader.stream` does that.
public struct ZipEntry: Sendable, Hashable {
    /// The raw name bytes decoded as UTF-8, invalid sequences replaced by U+FFFD.
    public let name: String
    /// The name exactly as stored (gait compares names as raw bytes: no cp437, no cleaning).
    public let nameBytes: [UInt8]
    public let method: UInt16
    public let flags: UInt16
    public let crc32: UInt32
    public let compressedSize: UInt64
    public let uncompressedSize: UInt64
    public let localHeaderOffset: UInt64
    public let externalAttributes: UInt32
    public let versionMadeBy: UInt16
    /// Position in the central directory; ties the entry to the reader that listed it.
    let index: Int

    /// Directory entries are names ending in "/" (gait never writes them).
    public var isDirectory: Bool { nameBytes.last == UInt8(ascii: "/") }

    /// Go's `FileHeader.Mode().Perm()`, which gait uses when it re-zips a runpack (spec §8.4).
    public var mode: UInt32 {
        switch versionMadeBy >> 8 {
        case 3, 19:  // unix, macOS
            return (externalAttributes >> 16) & 0o777
        case 0, 11, 14:  // FAT, NTFS, VFAT: only a read-only bit and a directory bit
            var mode: UInt32 = externalAttributes & 0x10 != 0 ? 0o777 : 0o666
            if externalAttributes & 0x01 != 0 { mode &= ~0o222 }
            return mode
        default:
            return 0
        }
    }

    /// Why extracting this name could escape or confuse a directory tree, or nil when it is safe
    /// (spec §17: gaitstore rejects such names although gait accepts them).
    public var unsafeNameReason: String? {
        ZipNameSafety.unsafeReason(nameBytes)
    }
}

/// Name rules of spec §17 and gait's duplicate check (spec §14).
enum ZipNameSafety {
    static func unsafeReason(_ name: [UInt8]) -> String? {
        if name.first == UInt8(ascii: "/") { return "absolute path" }
        if name.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
            .contains(where: { $0.elementsEqual("..".utf8) }) {
            return "'..' path segment"
        }
        if name.contains(UInt8(ascii: "\\")) { return "backslash" }
        if name.contains(0) { return "NUL byte" }
        return nil
    }

    /// gait's `DuplicatePaths` key: Go's `strings.TrimSpace` (Unicode White_Space at both ends)
    /// then backslashes as slashes, compared as bytes like Go strings. In a name that is not
    /// valid UTF-8 only ASCII spaces are trimmed, so distinct invalid names never collide.
    static func duplicateKey(_ name: [UInt8]) -> [UInt8] {
        let trimmed: [UInt8]
        if let text = String(validating: name, as: UTF8.self) {
            let scalars = text.unicodeScalars
            if let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
               let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) {
                trimmed = Array(String(scalars[first...last]).utf8)
            } else {
                trimmed = []
            }
        } else {
            let isSpace: (UInt8) -> Bool = { $0 == 0x20 || (0x09...0x0d).contains($0) }
            trimmed = Array(name.drop(while: isSpace).reversed().drop(while: isSpace).reversed())
        }
        return trimmed.map { $0 == UInt8(ascii: "\\") ? UInt8(ascii: "/") : $0 }
    }

    /// The keys that occur more than once, sorted bytewise, each once.
    static func duplicates(_ names: [[UInt8]]) -> [String] {
        var seen = Set<[UInt8]>()
        var repeated = Set<[UInt8]>()
        for name in names {
            let key = duplicateKey(name)
            if !seen.insert(key).inserted { repeated.insert(key) }
        }
        return repeated.sorted { $0.lexicographicallyPrecedes($1) }.map { String(decoding: $0, as: UTF8.self) }
    }
}
